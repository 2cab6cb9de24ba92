/**
 * Props for the console's dialogs. Rendered in place rather than in a portal: a dialog's <header>
 * at the body's level is a second banner landmark (axe: landmark-no-duplicate-banner), inside
 * <main> it is not. The close button gets a name (axe: button-name).
 */
export const DIALOG_PROPS = { withinPortal: false, closeButtonProps: { 'aria-label': 'Close' } } as const;
