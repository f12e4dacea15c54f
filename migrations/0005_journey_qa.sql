CREATE TABLE `pii_reveal` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`user_id` text NOT NULL,
	`customer_pid` text NOT NULL,
	`field` text NOT NULL,
	`contact_ref` text,
	`revealed_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `pii_reveal_time` ON `pii_reveal` (`account_id`,`revealed_at`,`id`);--> statement-breakpoint
CREATE INDEX `pii_reveal_customer` ON `pii_reveal` (`account_id`,`customer_pid`,`revealed_at`);--> statement-breakpoint
CREATE TABLE `review_feedback` (
	`account_id` text NOT NULL,
	`review_pid` text NOT NULL,
	`user_id` text NOT NULL,
	`verdict` text NOT NULL,
	`comment` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `review_pid`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `review_feedback_verdict` ON `review_feedback` (`account_id`,`verdict`,`created_at`);--> statement-breakpoint
CREATE TABLE `review_form` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`scopes` text NOT NULL,
	`blocks` text NOT NULL,
	`built_in` integer DEFAULT false NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_form_name` ON `review_form` (`account_id`,`name_key`);--> statement-breakpoint
CREATE TABLE `review_form_choice` (
	`account_id` text NOT NULL,
	`user_id` text NOT NULL,
	`scope` text NOT NULL,
	`form_pid` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `user_id`, `scope`)
);
