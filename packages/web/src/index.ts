export { startServer, type RunningServer, type ServeOptions } from './server/http.js';
export { CSP } from './server/security.js';
