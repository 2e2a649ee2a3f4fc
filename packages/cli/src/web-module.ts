import { CliError } from './envelope.js';

type Web = typeof import('@logsift/web');

/** The hint printed when the web view is not installed. */
export const WEB_INSTALL_HINT = 'install it next to logsift: npm install @logsift/web';

/**
 * Loads @logsift/web, an optional peer dependency: only `serve` needs it (its server and
 * built page). Without it `serve` fails with MISSING_DEPENDENCY (exit 2) saying how to install it.
 */
export async function loadWeb(): Promise<Web> {
  try {
    return await import('@logsift/web');
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    const missing = (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && typeof e.message === 'string' && e.message.includes('@logsift/web');
    if (missing) throw new CliError('MISSING_DEPENDENCY', 'serve needs @logsift/web, which is not installed', WEB_INSTALL_HINT);
    throw error;
  }
}
