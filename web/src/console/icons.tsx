/** Small stroke icons (24-unit grid), drawn inline so nothing extra is fetched. */
const paths = {
  events: 'M4 7h16v12H4zM4 11h16M8 4v5M16 4v5',
  venues: 'M3 20h18M5 20V10l7-5 7 5v10M9 20v-5h6v5',
  orders: 'M6 3h9l3 3v15H6zM9 9h6M9 13h6M9 17h4',
  scanner: 'M4 8V5a1 1 0 0 1 1-1h3M16 4h3a1 1 0 0 1 1 1v3M20 16v3a1 1 0 0 1-1 1h-3M8 20H5a1 1 0 0 1-1-1v-3M7 12h10',
  outbox: 'M3 6h18v12H3zM3 7l9 6 9-6',
  shield: 'M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6zM9 12l2 2 4-4',
  integrity: 'M8 6l-5 6 5 6M16 6l5 6-5 6M9.5 12.5l2 2 3.5-4.5',
  incidents: 'M12 3l9.5 17h-19zM12 10v4.5M12 17.5h.01',
  signout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  camera: 'M4 8h3l2-3h6l2 3h3v11H4zM12 16a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  plus: 'M12 5v14M5 12h14',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 5v6h-6',
  staff: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM3 20c0-3.3 2.7-6 6-6s6 2.7 6 6M16 4.5a3.5 3.5 0 0 1 0 6.5M18 14.5c1.8.8 3 2.9 3 5.5',
  keys: 'M14.5 14a5 5 0 1 0-4.6-3L3 17.9V21h3.1v-2h2v-2h2l1.8-1.8A5 5 0 0 0 14.5 14zM16 8h.01',
  review: 'M9 4h6v3H9zM7 5H5v16h14V5h-2M9 13l2 2 4-4',
  audit: 'M5 4h14v16H5zM8 8h8M8 12h8M8 16h5',
  account: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4.4 3.6-8 8-8s8 3.6 8 8',
} as const;

export type IconName = keyof typeof paths;

export function Icon(props: { name: IconName; size?: number }) {
  const size = props.size ?? 18;
  return (
    <svg
      class="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={paths[props.name]} />
    </svg>
  );
}
