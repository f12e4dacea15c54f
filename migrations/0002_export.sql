CREATE TABLE `export_job` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`status` text NOT NULL,
	`from_ms` integer NOT NULL,
	`to_ms` integer NOT NULL,
	`include` text NOT NULL,
	`contact` text,
	`customer_pids` text,
	`requested_by` text,
	`rows_total` integer,
	`rows_written` integer DEFAULT 0 NOT NULL,
	`files` text NOT NULL,
	`file_index` integer DEFAULT 0 NOT NULL,
	`upload_id` text,
	`parts` text,
	`cursor` text,
	`carry` text,
	`file_rows` integer DEFAULT 0 NOT NULL,
	`file_bytes` integer DEFAULT 0 NOT NULL,
	`error_code` text,
	`error_message` text,
	`lease_until` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `export_job_created` ON `export_job` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `export_job_status` ON `export_job` (`account_id`,`status`,`updated_at`);--> statement-breakpoint
DROP INDEX `engagement_start`;--> statement-breakpoint
CREATE INDEX `engagement_start` ON `engagement` (`account_id`,`start_time`,`pid`);--> statement-breakpoint
DROP INDEX `turn_engagement`;--> statement-breakpoint
CREATE INDEX `turn_engagement` ON `turn` (`account_id`,`engagement_pid`,`turn_time`,`pid`);