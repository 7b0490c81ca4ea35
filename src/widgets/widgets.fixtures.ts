import type { WidgetConfig } from '../config.js';

/** The demo chat as configuration, for the widget tests; `over` changes what a test needs. */
export const CHAT = 'http://localhost:3002';
export const widget = (over: Partial<WidgetConfig> = {}): WidgetConfig => ({
  name: 'chat',
  url: `${CHAT}/chat`,
  origin: CHAT,
  classes: ['buyer', 'queue'],
  title: 'Support chat',
  connect: [],
  ...over,
});
