import { defineMessage } from '../diagnostic';

/** Messages about hardware profiles: platform names and `--set device.…/link.…/host.…` overrides. */
export const profileMessages = {
  unknownPlatform: defineMessage('profiles.unknown-platform', 'error', 'Run `gmemlab profiles` for the list of platforms.', (id: string, known: readonly string[]) => ({
    message: `unknown platform '${id}'`,
    expected: `one of ${known.join(', ')}`,
    found: `'${id}'`,
  })),
  unknownPart: defineMessage('profiles.unknown-part', 'error', 'A platform preset must name registered device, link and host presets.', (platform: string, part: string, id: string, known: readonly string[]) => ({
    message: `platform '${platform}' names unknown ${part} preset '${id}'`,
    expected: `one of ${known.join(', ')}`,
  })),
  unknownKey: defineMessage('profiles.unknown-key', 'error', 'Profile fields are `device.<path>`, `link.<path>` or `host.<path>`; see docs/profiles.md.', (key: string, owner: string, valid: readonly string[]) => ({
    message: `${owner} has no field '${key}'; valid keys: ${valid.join(', ')}`,
  })),
  notOverridable: defineMessage('profiles.not-overridable', 'error', '`id`, `summary` and `sources` identify a preset and its provenance; pick another preset instead.', (key: string) => ({
    message: `profile field '${key}' cannot be overridden`,
  })),
  badValue: defineMessage('profiles.bad-value', 'error', 'Use a value of the field\'s kind (unit suffixes: 64KiB, 80GB, 45us, 1.5ms).', (key: string, expected: string, found: string) => ({
    message: `bad value for profile field '${key}'`,
    expected,
    found: JSON.stringify(found),
  })),
  missingField: defineMessage('profiles.missing-field', 'error', 'A preset must state every field that has no shared default.', (preset: string, key: string) => ({
    message: `preset '${preset}' gives no value for '${key}' and there is no shared default`,
  })),
  duplicate: defineMessage('profiles.duplicate', 'error', 'Pass `{ override: true }` to replace a registered preset.', (kind: string, id: string) => ({
    message: `${kind} preset '${id}' is already registered`,
  })),
} as const;
