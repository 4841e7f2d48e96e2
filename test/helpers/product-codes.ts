// PRODUCT.md "Finding codes (stable ...)", copied by hand on purpose: the
// contract is the document, so a code dropped from the source must fail a test.
import type { RunbookId } from '../../src/core/types.js';

export const PRODUCT_CODES: Record<RunbookId, string[]> = {
  'RB-001': [
    'dns_nxdomain', 'dns_servfail', 'dns_timeout', 'tcp_refused', 'tcp_timeout', 'tls_cert_expired', 'tls_self_signed',
    'tls_hostname_mismatch', 'tls_handshake_failed', 'http_headers_timeout', 'http_auth_invalid', 'http_forbidden',
    'http_rate_limited', 'http_server_error', 'http_unexpected_body', 'status_page_degraded', 'status_page_unreachable',
  ],
  'RB-002': ['error_rate_high', 'auth_errors', 'forbidden_errors', 'rate_limited', 'server_errors', 'log_unreadable'],
  'RB-003': [
    'receiver_unreachable', 'receiver_rejects_valid_signature', 'receiver_accepts_invalid_signature',
    'receiver_accepts_stale_timestamp', 'receiver_slow', 'receiver_legacy_signature_only', 'queue_backlog',
    'failed_webhooks', 'redis_unreachable',
  ],
  'RB-004': ['records_missing_locally', 'records_extra_locally', 'records_stale_locally', 'sync_lag', 'listing_partial'],
  'RB-005': ['endpoint_slow', 'endpoint_errors', 'cache_hit_rate_low', 'rate_limit_low', 'pool_saturated'],
};
