import { escapeHtml, type RenderedEmail } from '../notifications/templates.js';
import type { StakeholderNoticeKind } from '../platform/database.types.js';

/**
 * The note to an event's producers and its venues' contacts, in English. It says what happened to
 * their sale or how many of their buyers an incident touches, and whom to ask; nothing about the
 * incident beyond that, and no buyer's name or address (they are told about themselves directly).
 */
export interface StakeholderEmailInput {
  kind: StakeholderNoticeKind;
  event: string;
  /** The performances concerned, with their venue. */
  performances: { startsAt: Date; venue: string }[];
  /** For `buyers_in_scope`: how many of the event's buyers are in the scope. */
  buyers?: number;
  /** Whom to ask; without one, a reply to the email reaches the box office. */
  contact: string | null;
}

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function lines(input: StakeholderEmailInput): { subject: string; intro: string } {
  const n = input.buyers ?? 0;
  switch (input.kind) {
    case 'sales_paused':
      return {
        subject: `Ticket sales paused: ${input.event}`,
        intro: `The sale of tickets for ${input.event} was paused because of a security incident that the box office is handling.`,
      };
    case 'sales_resumed':
      return {
        subject: `Ticket sales resumed: ${input.event}`,
        intro: `The sale of tickets for ${input.event} has resumed. It had been paused because of a security incident that the box office is handling.`,
      };
    case 'buyers_in_scope':
      return {
        subject: `Security incident: ${n} ${n === 1 ? 'buyer' : 'buyers'} of ${input.event} affected`,
        intro: `${n} ${n === 1 ? 'person who bought or tried to buy' : 'people who bought or tried to buy'} tickets for ${input.event} ${n === 1 ? 'is' : 'are'} among those affected by a security incident that the box office is handling.`,
      };
  }
}

export function renderStakeholderNotice(input: StakeholderEmailInput): RenderedEmail {
  const { subject, intro } = lines(input);
  const shows = input.performances.map((p) => `${when(p.startsAt)}, ${p.venue}`);
  const ask = input.contact ? `Whom to contact: ${input.contact}` : 'Whom to contact: reply to this email.';
  const text = [intro, '', ...(shows.length ? ['Performances:', ...shows.map((s) => `- ${s}`), ''] : []), ask, ''].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:16px">
<p>${e(intro)}</p>
${shows.length ? `<p>Performances:</p>\n<ul>${shows.map((s) => `<li>${e(s)}</li>`).join('')}</ul>\n` : ''}<p>${e(ask)}</p>
</body></html>
`;
  return { subject, text, html };
}
