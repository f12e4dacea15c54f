CREATE TABLE `ingest_batch` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`source_id` text NOT NULL,
	`status` text NOT NULL,
	`object_key` text NOT NULL,
	`bytes` integer,
	`upload_expires_at` integer NOT NULL,
	`uploaded_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`bytes_read` integer DEFAULT 0 NOT NULL,
	`checkpoint_entry` integer DEFAULT 0 NOT NULL,
	`checkpoint_line` integer DEFAULT 0 NOT NULL,
	`loaded` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`warned` integer DEFAULT 0 NOT NULL,
	`log_entries` integer DEFAULT 0 NOT NULL,
	`error_code` text,
	`error_message` text,
	`lease_until` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `ingest_batch_created` ON `ingest_batch` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `ingest_batch_source` ON `ingest_batch` (`account_id`,`source_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ingest_batch_file` (
	`account_id` text NOT NULL,
	`batch_id` text NOT NULL,
	`entry` integer NOT NULL,
	`name` text NOT NULL,
	`target` text,
	`status` text NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`loaded` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`warned` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`account_id`, `batch_id`, `entry`)
);
