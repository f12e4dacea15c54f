CREATE TABLE `dashboard` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`layout` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `dashboard_name` ON `dashboard` (`account_id`,`name_key`,`id`);--> statement-breakpoint
CREATE TABLE `dashboard_view` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`user_id` text NOT NULL,
	`dashboard_id` text NOT NULL,
	`name` text NOT NULL,
	`filters` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `dashboard_view_user` ON `dashboard_view` (`account_id`,`user_id`,`dashboard_id`);--> statement-breakpoint
CREATE TABLE `selection` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`query` text NOT NULL,
	`engagements` integer NOT NULL,
	`truncated` integer DEFAULT false NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `selection_created` ON `selection` (`account_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `selection_engagement` (
	`account_id` text NOT NULL,
	`selection_id` text NOT NULL,
	`position` integer NOT NULL,
	`engagement_pid` text NOT NULL,
	PRIMARY KEY(`account_id`, `selection_id`, `position`)
);
--> statement-breakpoint
CREATE TABLE `visualization` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`spec` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `visualization_name` ON `visualization` (`account_id`,`name_key`,`id`);--> statement-breakpoint
CREATE TABLE `visualization_favorite` (
	`account_id` text NOT NULL,
	`user_id` text NOT NULL,
	`visualization_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `user_id`, `visualization_id`)
);
