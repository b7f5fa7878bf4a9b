-- Persimmon schema 1 (SQLite): tenants, access keys, resources, tags and the job queue.
-- Kept column for column in step with postgres/0001_init.sql; see migrations/README.md for why there are two files.
-- Times are BIGINT epoch milliseconds; documents are TEXT holding JSON.

CREATE TABLE accounts (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    closed_at BIGINT
);

-- No foreign key to accounts: the operator's own keys belong to no tenant row.
CREATE TABLE access_keys (
    access_key_id TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL,
    -- NULL for the account's root keys.
    user_name TEXT,
    principal_arn TEXT NOT NULL,
    -- AES-GCM sealed box of the secret.
    sealed_secret BLOB NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);

CREATE INDEX access_keys_by_user ON access_keys (account_id, user_name, created_at);

-- Uniqueness is on the ARN only: names are unique per kind in most places but per parent for some (datasets are
-- named per dataset group), and the domain layer derives the ARN from whichever rule applies.
CREATE TABLE resources (
    account_id TEXT NOT NULL,
    arn TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_arn TEXT,
    status TEXT,
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (account_id, arn)
);

-- Listings: newest first, then by ARN, optionally under one parent.
CREATE INDEX resources_by_parent ON resources (account_id, kind, parent_arn, created_at DESC, arn);
CREATE INDEX resources_by_kind ON resources (account_id, kind, created_at DESC, arn);

CREATE TABLE resource_tags (
    account_id TEXT NOT NULL,
    arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (account_id, arn, key)
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    resource_arn TEXT NOT NULL,
    -- Job-specific JSON.
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    run_after BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Claiming scans only unfinished jobs of the wanted kinds, oldest first.
CREATE INDEX jobs_claimable ON jobs (kind, id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_by_resource ON jobs (account_id, resource_arn, id);
