"""third-party access

Revision ID: 95ac4a94bcfd
Revises: 9d89b127ec7e
Create Date: 2026-11-23 15:32:34.025211
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import elkund.core.types


revision: str = '95ac4a94bcfd'
down_revision: str | None = '9d89b127ec7e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('oauth_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=128), nullable=False),
    sa.Column('revoked_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_oauth_clients_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_clients')),
    sa.UniqueConstraint('client_id', name=op.f('uq_oauth_clients_client_id'))
    )
    with op.batch_alter_table('oauth_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oauth_clients_party_id'), ['party_id'], unique=False)

    op.create_table('outbox_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('delivered_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_outbox_events_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_events_event_id'))
    )
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_events_party_id_id'), ['party_id', 'id'], unique=False)

    op.create_table('access_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('esco_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('installation_ref', sa.String(length=40), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('identity_masked', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('data_types', sa.JSON(), nullable=False),
    sa.Column('resolution', sa.String(length=5), nullable=False),
    sa.Column('history_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('refusal_code', sa.String(length=60), nullable=True),
    sa.Column('refusal_detail', sa.Text(), nullable=True),
    sa.Column('expires_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_access_requests_customer_id_customers')),
    sa.ForeignKeyConstraint(['esco_id'], ['parties.id'], name=op.f('fk_access_requests_esco_id_parties')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_access_requests_installation_id_installations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_requests')),
    sa.UniqueConstraint('esco_id', 'idempotency_key', name=op.f('uq_access_requests_esco_id_idempotency_key'))
    )
    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_requests_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_requests_esco_id_status'), ['esco_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_requests_installation_id_status'), ['installation_id', 'status'], unique=False)

    op.create_table('access_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['oauth_clients.id'], name=op.f('fk_access_tokens_client_id_oauth_clients')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_access_tokens_party_id_parties')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_access_tokens'))
    )
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_tokens_client_id'), ['client_id'], unique=False)

    op.create_table('webhook_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('attempted_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['outbox_events.id'], name=op.f('fk_webhook_attempts_event_id_outbox_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_attempts'))
    )
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_attempts_event_id'), ['event_id'], unique=False)

    op.create_table('access_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['access_requests.id'], name=op.f('fk_access_request_events_request_id_access_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_request_events'))
    )
    with op.batch_alter_table('access_request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_request_events_request_id'), ['request_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('esco_id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('data_types', sa.JSON(), nullable=False),
    sa.Column('resolution', sa.String(length=5), nullable=False),
    sa.Column('history_from', sa.Date(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('ended_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.Column('pushed_until', elkund.core.types.UtcTimestamp(timezone=True), nullable=True),
    sa.Column('created_at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_consents_customer_id_customers')),
    sa.ForeignKeyConstraint(['esco_id'], ['parties.id'], name=op.f('fk_consents_esco_id_parties')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_consents_installation_id_installations')),
    sa.ForeignKeyConstraint(['request_id'], ['access_requests.id'], name=op.f('fk_consents_request_id_access_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
    sa.UniqueConstraint('request_id', name=op.f('uq_consents_request_id'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consents_esco_id_status'), ['esco_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_consents_installation_id_status'), ['installation_id', 'status'], unique=False)

    op.create_table('consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_consent_events_consent_id_consents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_events'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_events_consent_id'), ['consent_id'], unique=False)

    op.create_table('share_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.String(length=36), nullable=True),
    sa.Column('basis', sa.String(length=24), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('period_start', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('period_end', elkund.core.types.UtcTimestamp(timezone=True), nullable=False),
    sa.Column('resolution', sa.String(length=5), nullable=False),
    sa.Column('value_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_share_log_consent_id_consents')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_share_log_installation_id_installations')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_share_log_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_log'))
    )
    with op.batch_alter_table('share_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_log_installation_id_at'), ['installation_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_log_party_id_at'), ['party_id', 'at'], unique=False)

    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='active', nullable=False))
        batch_op.add_column(sa.Column('webhook_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('webhook_secret', sa.String(length=100), nullable=True))



    _forbid_share_log_updates()


def _forbid_share_log_updates() -> None:
    """The share log is append-only (EU-3): the database itself refuses to change an entry."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION share_log_append_only() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'share_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER share_log_append_only BEFORE UPDATE ON share_log"
            " FOR EACH ROW EXECUTE FUNCTION share_log_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER share_log_append_only BEFORE UPDATE ON share_log"
            " BEGIN SELECT RAISE(ABORT, 'share_log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS share_log_append_only ON share_log")
        op.execute("DROP FUNCTION IF EXISTS share_log_append_only()")
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret')
        batch_op.drop_column('webhook_url')
        batch_op.drop_column('status')

    with op.batch_alter_table('share_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_log_party_id_at'))
        batch_op.drop_index(batch_op.f('ix_share_log_installation_id_at'))

    op.drop_table('share_log')
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_events_consent_id'))

    op.drop_table('consent_events')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_installation_id_status'))
        batch_op.drop_index(batch_op.f('ix_consents_esco_id_status'))
        batch_op.drop_index(batch_op.f('ix_consents_customer_id'))

    op.drop_table('consents')
    with op.batch_alter_table('access_request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_request_events_request_id'))

    op.drop_table('access_request_events')
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_attempts_event_id'))

    op.drop_table('webhook_attempts')
    with op.batch_alter_table('access_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_tokens_client_id'))

    op.drop_table('access_tokens')
    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_requests_installation_id_status'))
        batch_op.drop_index(batch_op.f('ix_access_requests_esco_id_status'))
        batch_op.drop_index(batch_op.f('ix_access_requests_customer_id'))

    op.drop_table('access_requests')
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_events_party_id_id'))

    op.drop_table('outbox_events')
    with op.batch_alter_table('oauth_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oauth_clients_party_id'))

    op.drop_table('oauth_clients')
