-- Persimmon schema 2 (SQLite): IAM users, groups, managed policies, attachments, inline policies, login profiles,
-- the per-account IAM generation, and the audit trail.
-- Kept column for column in step with postgres/0002_iam_and_audit.sql.
-- IAM rows reference entities by unique ID (user_id, group_id), never by name; *_key columns hold the lower-cased
-- name, because IAM names are unique case-insensitively within an account.

-- One row per account that ever changed IAM: every commit moves `generation` by one, guarded by its old value.
CREATE TABLE iam_accounts (
    account_id TEXT NOT NULL PRIMARY KEY,
    generation BIGINT NOT NULL
);

CREATE TABLE iam_users (
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    permissions_boundary_arn TEXT,
    -- JSON array of {"key", "value"}.
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    password_last_used_at BIGINT,
    PRIMARY KEY (account_id, user_id)
);

CREATE UNIQUE INDEX iam_users_by_name ON iam_users (account_id, name_key);

CREATE TABLE iam_groups (
    account_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, group_id)
);

CREATE UNIQUE INDEX iam_groups_by_name ON iam_groups (account_id, name_key);

CREATE TABLE iam_group_members (
    account_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (account_id, group_id, user_id)
);

-- Customer-managed policies. AWS-managed ones ship inside the binary (policies/) and have no row.
CREATE TABLE iam_policies (
    account_id TEXT NOT NULL,
    arn TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    description TEXT,
    default_version_id TEXT NOT NULL,
    next_version BIGINT NOT NULL,
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, arn)
);

CREATE UNIQUE INDEX iam_policies_by_name ON iam_policies (account_id, name_key);

CREATE TABLE iam_policy_versions (
    account_id TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    version_id TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, policy_arn, version_id)
);

CREATE TABLE iam_attachments (
    account_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    attached_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, entity_type, entity_id, policy_arn)
);

CREATE TABLE iam_inline_policies (
    account_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_type, entity_id, policy_name)
);

CREATE TABLE iam_login_profiles (
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    -- pbkdf2-sha256$<iterations>$<salt>$<hash>: never the password.
    password_hash TEXT NOT NULL,
    password_reset_required INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);

-- The audit trail: one row per authenticated request. Never a secret, a signature or a body.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_time BIGINT NOT NULL,
    event_name TEXT NOT NULL,
    event_source TEXT NOT NULL,
    read_only INTEGER NOT NULL,
    principal_arn TEXT NOT NULL,
    principal_type TEXT NOT NULL,
    user_name TEXT,
    access_key_id TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    decision TEXT NOT NULL,
    deciding_statement TEXT,
    source_ip TEXT,
    user_agent TEXT,
    request_id TEXT NOT NULL,
    region TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT
);

-- Lookups: newest first per account, then by event ID.
CREATE INDEX audit_events_by_time ON audit_events (account_id, event_time DESC, event_id);
CREATE INDEX audit_events_by_name ON audit_events (account_id, event_name, event_time DESC);
-- GetAccessKeyLastUsed: the newest event of one key.
CREATE INDEX audit_events_by_key ON audit_events (account_id, access_key_id, event_time DESC);
