"""Frozen: the tables of the hotline, the console, the pager and the channels (harbor_*) as revision 0001
creates them.

A copy of what the models declared when migrations began, and of what create_all made before, which
is how an old database is checked before it is adopted (harbor/core/schema.py). Never edit it: a
change to a table is a new revision (`harbor db revision -m ...`).
"""

from __future__ import annotations

import sqlalchemy as sa


def add_tables(metadata: sa.MetaData) -> None:
    sa.Table(
        "harbor_advocates", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["supervisor_id"], ["harbor_advocates.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("phone"),
    )
    sa.Table(
        "harbor_audit_log", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=80), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_harbor_audit_log_at", "at", unique=False),
    )
    sa.Table(
        "harbor_console_users", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("totp_secret", sa.Text(), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    sa.Table(
        "harbor_erase_requests", metadata,
        sa.Column("conversation_id", sa.String(length=80), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    sa.Table(
        "harbor_escalations", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("categories", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ack_code", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("next_action_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ack_code"),
        sa.Index("ix_harbor_escalations_conversation_id", "conversation_id", unique=False),
        # One open escalation per conversation: a partial unique index on both databases.
        sa.Index("uq_harbor_open_escalation", "conversation_id", unique=True,
                 sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'")),
    )
    sa.Table(
        "harbor_heartbeats", metadata,
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("beat_at", sa.DateTime(), nullable=False),
        sa.Column("interval_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    sa.Table(
        "harbor_outreach_links", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.Column("campaign", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    sa.Table(
        "harbor_page_exits", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_harbor_page_exits_conversation_id", "conversation_id", unique=False),
    )
    sa.Table(
        "harbor_sms_inbox", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("was_cut", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_sid"),
        sa.Index("ix_harbor_sms_inbox_conversation_id", "conversation_id", unique=False),
        sa.Index("ix_harbor_sms_inbox_status", "status", unique=False),
    )
    sa.Table(
        "harbor_sms_numbers", metadata,
        sa.Column("conversation_id", sa.String(length=80), nullable=False),
        sa.Column("number_encrypted", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    sa.Table(
        "harbor_sms_opt_outs", metadata,
        sa.Column("conversation_id", sa.String(length=80), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    sa.Table(
        "harbor_sms_status", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error_code", sa.String(length=10), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_harbor_sms_status_message_sid", "message_sid", unique=False),
    )
    sa.Table(
        "harbor_ack_guards", metadata,
        sa.Column("advocate_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["advocate_id"], ["harbor_advocates.id"]),
        sa.PrimaryKeyConstraint("advocate_id"),
    )
    sa.Table(
        "harbor_advocate_messages", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("written_by", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["escalation_id"], ["harbor_escalations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_harbor_advocate_messages_conversation_id", "conversation_id", unique=False),
        sa.Index("ix_harbor_advocate_messages_status", "status", unique=False),
    )
    sa.Table(
        "harbor_conversation_holds", metadata,
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("held_by", sa.String(length=80), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["harbor_escalations.id"]),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    sa.Table(
        "harbor_escalation_closures", metadata,
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("disposition", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("closed_by", sa.String(length=80), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("resource_id", sa.String(length=36), nullable=True),
        sa.Column("resource_name", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["escalation_id"], ["harbor_escalations.id"]),
        sa.PrimaryKeyConstraint("escalation_id"),
    )
    sa.Table(
        "harbor_pages", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("advocate_id", sa.Integer(), nullable=True),
        sa.Column("to_number", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["advocate_id"], ["harbor_advocates.id"]),
        sa.ForeignKeyConstraint(["escalation_id"], ["harbor_escalations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.Index("ix_harbor_pages_escalation_id", "escalation_id", unique=False),
        sa.Index("ix_harbor_pages_status", "status", unique=False),
    )
    sa.Table(
        "harbor_shifts", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advocate_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["advocate_id"], ["harbor_advocates.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    sa.Table(
        "harbor_transfers", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("from_user", sa.String(length=80), nullable=False),
        sa.Column("to_user", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["escalation_id"], ["harbor_escalations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_harbor_transfers_escalation_id", "escalation_id", unique=False),
    )
    sa.Table(
        "harbor_page_storms", metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("first_held_escalation_id", sa.Integer(), nullable=False),
        sa.Column("last_held_escalation_id", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("alert_page_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["alert_page_id"], ["harbor_pages.id"]),
        sa.ForeignKeyConstraint(["first_held_escalation_id"], ["harbor_escalations.id"]),
        sa.ForeignKeyConstraint(["last_held_escalation_id"], ["harbor_escalations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_harbor_page_storms_started_at", "started_at", unique=False),
    )
