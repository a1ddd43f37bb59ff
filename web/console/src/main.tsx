// Entry point of the agent console (bundled to web/public/console/app.js).
import { render } from 'preact';
import { App } from './components/App';
import { ControllerContext } from './context';
import { ConsoleController } from './controller';
import { unlockAudioOnFirstGesture } from './notify';

const controller = new ConsoleController();
unlockAudioOnFirstGesture();
render(
  <ControllerContext.Provider value={controller}>
    <App />
  </ControllerContext.Provider>,
  document.getElementById('app')!,
);
void controller.start();
