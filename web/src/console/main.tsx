import { render } from 'preact';
import { App } from './app';
import { applyLocale } from './i18n';
import './console.css';
import './accounts.css';

applyLocale();
render(<App />, document.getElementById('app')!);
