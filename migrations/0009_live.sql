CREATE TABLE `live_action_button` (
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`label` text NOT NULL,
	`visible_to_external` integer DEFAULT false NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`account_id`, `name`)
);
--> statement-breakpoint
CREATE TABLE `live_brand` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`color` text NOT NULL,
	`allowed_origins` text NOT NULL,
	`opening_message` text,
	`placeholder` text,
	`secret_sealed` text NOT NULL,
	`secret_hint` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `live_brand_created` ON `live_brand` (`account_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `live_inbox` (
	`account_id` text NOT NULL,
	`conversation_pid` text NOT NULL,
	`customer_pid` text NOT NULL,
	`customer_name` text,
	`channel` text NOT NULL,
	`brand` text,
	`status` text NOT NULL,
	`needs_help` integer NOT NULL,
	`needs_help_reason` text,
	`your_logic_working` integer NOT NULL,
	`last_turn` text,
	`agents` text NOT NULL,
	`start_ms` integer NOT NULL,
	`updated_ms` integer NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `conversation_pid`)
);
--> statement-breakpoint
CREATE INDEX `live_inbox_status` ON `live_inbox` (`account_id`,`status`,`updated_ms`,`conversation_pid`);--> statement-breakpoint
CREATE INDEX `live_inbox_help` ON `live_inbox` (`account_id`,`needs_help`,`status`,`updated_ms`,`conversation_pid`);--> statement-breakpoint
CREATE TABLE `live_invitation` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`conversation_pid` text NOT NULL,
	`contact` text NOT NULL,
	`contact_type` text NOT NULL,
	`name` text,
	`note` text,
	`invited_by` text NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `live_invitation_conversation` ON `live_invitation` (`account_id`,`conversation_pid`,`created_at`);--> statement-breakpoint
CREATE TABLE `live_participation` (
	`account_id` text NOT NULL,
	`user_id` text NOT NULL,
	`conversation_pid` text NOT NULL,
	`joined_ms` integer NOT NULL,
	`left_ms` integer,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `user_id`, `conversation_pid`)
);
--> statement-breakpoint
CREATE INDEX `live_participation_left` ON `live_participation` (`account_id`,`user_id`,`left_ms`,`conversation_pid`);