import type { ReactNode } from 'react';
import { AppShell, Burger, Button, Group, NavLink, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBell, IconBoxMultiple, IconChartLine, IconGauge, IconListSearch, IconLogout, IconRoute, IconSettings } from '@tabler/icons-react';
import { NavLink as RouterLink, useLocation } from 'react-router';
import { useAuth } from '../../auth/AuthProvider/AuthProvider';
import { ColorSchemeToggle } from '../ColorSchemeToggle/ColorSchemeToggle';
import { DemoModeBanner } from '../DemoModeBanner/DemoModeBanner';

export const NAV_ITEMS = [
  { to: '/', label: 'Dashboard', icon: IconGauge },
  { to: '/models', label: 'Models', icon: IconBoxMultiple },
  { to: '/routing', label: 'Routing', icon: IconRoute },
  { to: '/decisions', label: 'Decisions', icon: IconListSearch },
  { to: '/monitoring', label: 'Monitoring', icon: IconChartLine },
  { to: '/alerts', label: 'Alerts', icon: IconBell },
  { to: '/settings', label: 'Settings', icon: IconSettings },
] as const;

function isCurrent(pathname: string, to: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}

export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { state, logout } = useAuth();
  const { pathname } = useLocation();
  const identity = state.status === 'signed-in' ? state.identity : null;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
            <Title order={1} size="h4">
              Grove
              <VisuallyHidden> console</VisuallyHidden>
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="xs">
              LLM gateway console
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {identity && (
              <Text size="sm" c="dimmed" visibleFrom="sm" data-testid="signed-in-as">
                Signed in as <b>{identity.name}</b>
              </Text>
            )}
            <ColorSchemeToggle />
            <Button variant="default" leftSection={<IconLogout size={16} aria-hidden />} onClick={() => logout()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Main">
        {NAV_ITEMS.map(({ to, label, icon: Icon }) => (
          <NavLink
            key={to}
            component={RouterLink}
            to={to}
            end={to === '/'}
            label={label}
            leftSection={<Icon size={18} stroke={1.6} aria-hidden />}
            active={isCurrent(pathname, to)}
            onClick={close}
            variant="light"
            fw={500}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1} style={{ outline: 'none' }}>
        <DemoModeBanner />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
