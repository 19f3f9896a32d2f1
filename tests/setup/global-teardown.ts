export default async function globalTeardown() {
  const stops: (() => Promise<void>)[] = (globalThis as any).__opsTestStops ?? [];
  for (const stop of stops) await stop().catch(() => {});
}
