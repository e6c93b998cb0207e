import { AppController } from './app-controller';
import { registerServiceWorker } from './notifications-panel';
import { trackVisualViewport } from './track-visual-viewport';

/** Entry point of the bundle (dist/web/assets/app-<hash>.js). */
const root = document.getElementById('app') ?? document.body;
const app = new AppController(root);
(window as unknown as { __tf: unknown }).__tf = app.debug;
trackVisualViewport(document.documentElement);
app.start();
registerServiceWorker();
