/**
 * Stack files hold no secret values (invariant 5): credentials come from Vault, from Secrets that
 * exist, or from Pulumi secret config. Free-text fields (env, parameters, tags, labels, steps)
 * would copy a pasted secret into dist/ in clear, so every string is checked for the shapes real
 * credentials have, and for literal values under names that say "password". Reported without the
 * value.
 */
import type { ConfigIssue } from './config-error';
import { joinPath } from './config-error';

const SHAPES: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON web token'],
  [/\b(ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}/, 'a GitHub token'],
  [/\bxox[abpr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bhvs\.[A-Za-z0-9_-]{20,}/, 'a Vault token'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, 'a URL with a password in it'],
  [/\b(password|passwd|pwd|secret|token)\s*=\s*['"]?[^\s'"$&]{4,}/i, 'a password written into a setting'],
];

/** Shown instead of a value that looks like a secret. */
export const HIDDEN = '(hidden: it looks like a secret)';

/** Keys whose value is a name of something secret, never the secret itself. */
const REFERENCE_KEY = /(Name|Key|Ref|Secret|Path|File|Env|Role|Type)$|^(secretName|existingSecret|vault|user|username|passwordType)$/;
const SECRET_KEY = /^(password|passwd|secret|token|apiKey|accessKey|secretKey|privateKey)$|(_PASSWORD|_SECRET|_TOKEN|_KEY)$/i;

/** Every string of the raw stack input that looks like a secret, by config path. */
export function secretLookingValues(input: unknown, root: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const walk = (v: unknown, segs: (string | number)[], key: string | undefined) => {
    if (typeof v === 'string') {
      const shape = SHAPES.find(([re]) => re.test(v));
      const named = key !== undefined && SECRET_KEY.test(key) && !REFERENCE_KEY.test(key) && v.length > 0 && !/^\$\(|^\{\{/.test(v);
      if (shape || named) {
        out.push({
          path: joinPath([root, ...segs]),
          value: HIDDEN,
          allowed: `configuration without secret values (${shape ? shape[1] : `a literal value under "${key}"`}): the stack file and dist/ are committed and read in review`,
          fix: 'remove it and rotate it if it was real; reference it instead: credentials.vault (Vault through External Secrets) or an existing Secret by name',
        });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...segs, i], key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...segs, k], k);
  };
  walk(input, [], undefined);
  return out;
}
