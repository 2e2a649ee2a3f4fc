//! Grouping accuracy, the loghub definition (Zhu et al., ICSE-SEIP 2019): a line counts as
//! correct iff the set of lines in its predicted group is exactly the set of lines of its
//! ground-truth group. Shared by the template accuracy tests; included with
//! `#[path = "support/grouping.rs"] mod grouping;`.
#![allow(dead_code)]

use std::collections::HashMap;

/// The share of lines whose predicted group equals their true group.
pub fn grouping_accuracy(predicted: &[u32], truth: &[String]) -> f64 {
    let mut by_pred: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, &p) in predicted.iter().enumerate() {
        by_pred.entry(p).or_default().push(i);
    }
    let mut by_truth: HashMap<&str, usize> = HashMap::new();
    for t in truth {
        *by_truth.entry(t.as_str()).or_default() += 1;
    }
    let correct: usize = by_pred
        .values()
        .filter(|lines| {
            let t = &truth[lines[0]];
            by_truth[t.as_str()] == lines.len() && lines.iter().all(|&i| &truth[i] == t)
        })
        .map(Vec::len)
        .sum();
    if predicted.is_empty() {
        return 1.0;
    }
    correct as f64 / predicted.len() as f64
}

/// Prints the predicted groups that do not match a true group: the pattern, and for each
/// true label inside it, how many of its lines the group holds and one example.
pub fn explain(pattern: &dyn Fn(u32) -> String, texts: &[String], truth: &[String], predicted: &[u32]) {
    let mut by_pred: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, &p) in predicted.iter().enumerate() {
        by_pred.entry(p).or_default().push(i);
    }
    let mut total: HashMap<&str, usize> = HashMap::new();
    for t in truth {
        *total.entry(t.as_str()).or_default() += 1;
    }
    let mut ids: Vec<_> = by_pred.keys().copied().collect();
    ids.sort();
    for p in ids {
        let group = &by_pred[&p];
        let mut labels: Vec<(&str, usize)> = Vec::new();
        for &i in group {
            match labels.iter_mut().find(|(l, _)| *l == truth[i]) {
                Some((_, n)) => *n += 1,
                None => labels.push((truth[i].as_str(), 1)),
            }
        }
        if labels.len() == 1 && total[labels[0].0] == group.len() {
            continue;
        }
        println!("template {p} ({} lines): {}", group.len(), pattern(p));
        for (label, n) in labels {
            let ex = group.iter().find(|&&i| truth[i] == label).map(|&i| texts[i].as_str()).unwrap_or("");
            println!("    {label}: {n} of {} e.g. {ex}", total[label]);
        }
    }
}
