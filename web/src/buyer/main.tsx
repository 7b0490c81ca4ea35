import { render } from 'preact';
render(<main><h1>Taquilla</h1></main>, document.getElementById('app')!);
