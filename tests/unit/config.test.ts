import v8 from 'node:v8';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultThreadCacheMb, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, '/srv/agora');
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('/srv/agora/data');
    expect(config.demo).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('honours PORT, HOST, DATA_DIR, DEMO and DATABASE_URL', () => {
    const config = loadConfig(
      { PORT: '8080', HOST: '127.0.0.1', DATA_DIR: 'var', DEMO: '0', DATABASE_URL: 'postgres://x/y' },
      '/srv',
    );
    expect([config.port, config.host, config.dataDir, config.demo, config.databaseUrl]).toEqual([
      8080,
      '127.0.0.1',
      '/srv/var',
      false,
      'postgres://x/y',
    ]);
  });

  it('sizes the PostgreSQL pool to the cores unless DB_POOL_SIZE says otherwise', () => {
    expect(loadConfig({}, '/srv').dbPoolSize).toBe(2 * os.availableParallelism() + 2);
    expect(loadConfig({ DB_POOL_SIZE: '12' }, '/srv').dbPoolSize).toBe(12);
    expect(() => loadConfig({ DB_POOL_SIZE: '1' }, '/srv')).toThrow(/DB_POOL_SIZE/);
    expect(() => loadConfig({ DB_POOL_SIZE: 'many' }, '/srv')).toThrow(/DB_POOL_SIZE/);
  });

  it('sizes the thread page cache to the heap (an eighth, 64 to 256 MiB) unless THREAD_CACHE_MB says otherwise', () => {
    const heapMb = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
    const fallback = loadConfig({}, '/srv').threadCacheMb;
    expect(fallback).toBe(defaultThreadCacheMb());
    expect(fallback).toBe(Math.round(Math.min(256, Math.max(64, heapMb / 8))));
    expect(fallback).toBeGreaterThanOrEqual(64);
    expect(fallback).toBeLessThanOrEqual(256);
    expect(loadConfig({ THREAD_CACHE_MB: '32' }, '/srv').threadCacheMb).toBe(32);
    expect(() => loadConfig({ THREAD_CACHE_MB: '0' }, '/srv')).toThrow(/THREAD_CACHE_MB/);
  });

  it('refuses invalid values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ DEMO: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.c' })).toThrow(/ADMIN_PASSWORD/);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});
