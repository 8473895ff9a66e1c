import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('security settings in the config', () => {
  it('defaults: ±300 s window, v1 allowed, no token lifetime, TURN credentials for 1 h', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ apiSignatureWindowS: 300, apiRequireSignatureV2: false, tokenTtlS: undefined, turnTtlS: 3600 });
  });

  it('reads the variables', () => {
    const config = loadConfig({
      OPENCALL_API_SIGNATURE_WINDOW_S: '60',
      OPENCALL_API_REQUIRE_SIGNATURE_V2: '1',
      OPENCALL_TOKEN_TTL_S: '86400',
      OPENCALL_TURN_TTL_S: '600',
    });
    expect(config).toMatchObject({ apiSignatureWindowS: 60, apiRequireSignatureV2: true, tokenTtlS: 86_400, turnTtlS: 600 });
  });

  it.each([
    ['OPENCALL_TURN_TTL_S', '86400'],
    ['OPENCALL_TURN_TTL_S', '9'],
    ['OPENCALL_API_SIGNATURE_WINDOW_S', '0'],
    ['OPENCALL_API_SIGNATURE_WINDOW_S', '3601'],
    ['OPENCALL_TOKEN_TTL_S', '0'],
    ['OPENCALL_TOKEN_TTL_S', 'soon'],
  ])('%s=%s is refused at start', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
