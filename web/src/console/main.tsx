import { render } from 'preact';
import { App } from './app';
import './console.css';
import './accounts.css';

render(<App />, document.getElementById('app')!);
