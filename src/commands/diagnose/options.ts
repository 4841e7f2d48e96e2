import type { ConfigFlags } from '../../core/config.js';

export interface DiagnoseOptions extends ConfigFlags {
  runbooks: string[];
  json?: boolean;
  out?: string;
  junit?: string;
  ci?: boolean;
  /** commander's --no-color gives color: false. */
  color?: boolean;
  /** --sandbox alone is `true` (scenario healthy). */
  sandbox?: string | true;
  seed?: string;
  /** Attach the result to this incident (default: the active one, if any). */
  incident?: string;
}
