import { render } from 'preact';
import { detectLocale, loadLocale } from '../shared/i18n.js';
import '../shared/widget-host.js';
import { App } from './app.js';
import './buyer.css';

// The dictionary comes first so the first paint is already in the buyer's language.
loadLocale(detectLocale())
  .catch(() => loadLocale('es'))
  .finally(() => render(<App />, document.getElementById('app')!));
