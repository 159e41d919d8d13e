import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { RendererApi } from '../common/ipc-contract';
import { setApi } from './api';
import { connectBridgeEvents } from './bridge-events';
import { App } from './components/app';
import { connectRouting } from './routing';
import './styles.css';

/** Mounts the settings window on `#root`, talking to main through `bridge`. */
export function startApp(bridge: RendererApi): void {
  setApi(bridge);
  connectRouting(window);
  connectBridgeEvents(bridge);
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
