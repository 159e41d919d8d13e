import { startApp } from './start-app';

// The production entry: the shell (Electron preload, or the browser-test bridge) put the contract
// on `window.api` before this script runs.
startApp(window.api);
