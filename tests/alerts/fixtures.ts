/** An AlertRule as an operator writes it. */
export function alertRule(id: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return { apiVersion: 'grove/v1', kind: 'AlertRule', metadata: { id, ...metadata }, spec };
}
