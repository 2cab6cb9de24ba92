import { Alert, Breadcrumbs, createTheme, Notification, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

/**
 * Teal with its two darkest shades pushed down, so that white text on the filled colour (shade 8,
 * 5.0:1) and on its hover (shade 9, 6.9:1) both pass WCAG AA; Mantine's own teal 8 gives 3.9:1.
 */
const teal: MantineColorsTuple = ['#e6fcf5', '#c3fae8', '#96f2d7', '#63e6be', '#38d9a9', '#20c997', '#12b886', '#0ca678', '#087f5b', '#066649'];

export const theme = createTheme({
  colors: { teal },
  primaryColor: 'teal',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  headings: { fontWeight: '650' },
  components: {
    // the coloured alert titles (orange 9 on orange 1 is 3.6:1) and the grey notification text fail AA
    Alert: Alert.extend({ styles: { title: { color: 'var(--mantine-color-bright)' } } }),
    // the close button is an icon: named, or a screen reader (and axe-core) finds an unnamed button
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } }, styles: { description: { color: 'var(--mantine-color-dimmed)' } } }),
    Breadcrumbs: Breadcrumbs.extend({ styles: { separator: { color: 'var(--mantine-color-dimmed)' } } }),
  },
});

/** The default dimmed, error and placeholder greys are about 3.3:1 on white; darkened in both schemes. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
    '--mantine-color-placeholder': 'var(--mantine-color-dark-2)',
  },
});
