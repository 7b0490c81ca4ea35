import { type ComponentChildren, Fragment } from 'preact';

/**
 * A translated message with markup in it: each `{name}` that `t` left in the text (no value was
 * given for it) is replaced by `parts[name]`, so a sentence keeps its word order in every language
 * while a code sample or a bold word stays an element.
 */
export function withParts(text: string, parts: Record<string, ComponentChildren>): ComponentChildren {
  return text.split(/\{(\w+)\}/g).map((piece, i) => (i % 2 === 1 ? <Fragment key={i}>{piece in parts ? parts[piece] : `{${piece}}`}</Fragment> : piece));
}
