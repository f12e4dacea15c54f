CREATE TABLE `account` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain` text NOT NULL,
	`region` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_domain` ON `account` (`domain`);--> statement-breakpoint
CREATE TABLE `activity` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`agent_pid` text,
	`interval_start` integer,
	`status` text,
	`status_type` text,
	`duration` real,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE INDEX `activity_interval` ON `activity` (`account_id`,`interval_start`,`agent_pid`);--> statement-breakpoint
CREATE TABLE `agent` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`name` text,
	`email` text,
	`status` text,
	`type` text,
	`hourly_cost` real,
	`engagement_cost` real,
	`team_pid` text,
	`department_pid` text,
	`location` text,
	`organization` text,
	`role` text,
	`manager` text,
	`user_id` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE TABLE `answer` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`question_pid` text,
	`name` text,
	`score` real,
	`position` integer,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE INDEX `answer_question` ON `answer` (`account_id`,`question_pid`,`position`);--> statement-breakpoint
CREATE TABLE `api_key` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`secret_hash` text NOT NULL,
	`hint` text NOT NULL,
	`scopes` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_key_id` ON `api_key` (`id`);--> statement-breakpoint
CREATE TABLE `customer` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`name` text,
	`link` text,
	`type` text,
	`category` text,
	`segment` text,
	`organization` text,
	`region` text,
	`country` text,
	`state` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE TABLE `customer_contact` (
	`account_id` text NOT NULL,
	`contact` text NOT NULL,
	`type` text NOT NULL,
	`customer_pid` text NOT NULL,
	`source_id` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `contact`, `customer_pid`)
);
--> statement-breakpoint
CREATE INDEX `customer_contact_customer` ON `customer_contact` (`account_id`,`customer_pid`);--> statement-breakpoint
CREATE TABLE `engagement` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`name` text,
	`link` text,
	`agent_pid` text,
	`customer_pid` text,
	`external_agent_pid` text,
	`service_pid` text,
	`conversation_pid` text,
	`conversation_external_id` text,
	`conversation_start_time` integer,
	`start_time` integer,
	`end_time` integer,
	`channel_type` text,
	`direction` text,
	`status` text,
	`type` text,
	`outcome_type` text,
	`service_level` text,
	`terminated_by` text,
	`initiated_by` text,
	`resolution` text,
	`channel_pid` text,
	`queue_pid` text,
	`team_pid` text,
	`department_pid` text,
	`outcome_pid` text,
	`outcome_category_pid` text,
	`campaign_pid` text,
	`menu_path_pid` text,
	`company_contact_pid` text,
	`reason` text,
	`reason_category` text,
	`case_name` text,
	`platform` text,
	`language` text,
	`channel_vendor` text,
	`category` text,
	`priority` text,
	`flow` text,
	`brand` text,
	`topic_category` text,
	`topic` text,
	`attribute_01` text,
	`attribute_02` text,
	`attribute_03` text,
	`attribute_04` text,
	`agent_location` text,
	`agent_role` text,
	`agent_organization` text,
	`agent_manager` text,
	`recording_url` text,
	`cost` real,
	`engagement_time` real,
	`focus_time` real,
	`hold_time` real,
	`invitation_time` real,
	`menu_time` real,
	`preparation_time` real,
	`wait_time` real,
	`wrap_up_time` real,
	`total_time` real,
	`wait_for_customer_time` real,
	`engagement_fact_01` real,
	`engagement_fact_02` real,
	`engagement_fact_03` real,
	`order_agent_engagements` integer,
	`total_conversation_agent_engagements` integer,
	`adaptability` real,
	`adherence` real,
	`clarity` real,
	`completeness` real,
	`customer_satisfaction` real,
	`empathy` real,
	`expressed_satisfaction` real,
	`language_skills` real,
	`persuasion` real,
	`severity` real,
	`understanding` real,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE INDEX `engagement_start` ON `engagement` (`account_id`,`start_time`);--> statement-breakpoint
CREATE INDEX `engagement_customer` ON `engagement` (`account_id`,`customer_pid`,`start_time`);--> statement-breakpoint
CREATE INDEX `engagement_conversation` ON `engagement` (`account_id`,`conversation_pid`,`start_time`);--> statement-breakpoint
CREATE INDEX `engagement_agent` ON `engagement` (`account_id`,`agent_pid`,`start_time`);--> statement-breakpoint
CREATE TABLE `entity` (
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`name` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE INDEX `entity_kind_name` ON `entity` (`account_id`,`kind`,`name`);--> statement-breakpoint
CREATE TABLE `external_agent` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`name` text,
	`email` text,
	`organization` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE TABLE `login_attempt` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_start` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `question` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`name` text,
	`type` text,
	`answer_type` text,
	`worst_score` real,
	`best_score` real,
	`built_in` integer DEFAULT false NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE TABLE `review` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`engagement_pid` text,
	`turn_pid` text,
	`reviewer_pid` text,
	`question_pid` text,
	`answer_pid` text,
	`answer_reason_pid` text,
	`answer_reason` text,
	`review_time` integer,
	`review_session_id` text,
	`status` text,
	`sampling` text,
	`type` text,
	`kind` text,
	`answer_type` text,
	`confidence` real,
	`score` real,
	`answer_score` real,
	`worst_score` real,
	`best_score` real,
	`comment` text,
	`comment_translated` text,
	`comment_language` text,
	`comment_translated_language` text,
	`verified` integer,
	`verified_by` text,
	`verification_comment` text,
	`version` integer,
	`form_id` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE INDEX `review_engagement` ON `review` (`account_id`,`engagement_pid`);--> statement-breakpoint
CREATE INDEX `review_time` ON `review` (`account_id`,`review_time`);--> statement-breakpoint
CREATE TABLE `reviewer` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`name` text,
	`type` text,
	`user_id` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE TABLE `service` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`name` text,
	`category` text,
	`partner` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE TABLE `session` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `session_user` ON `session` (`account_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `source` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `source_name` ON `source` (`account_id`,`name`);--> statement-breakpoint
CREATE TABLE `technical_log` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`time` integer NOT NULL,
	`level` text NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`source_id` text,
	`batch_id` text,
	`file` text,
	`line` integer,
	`property` text,
	`value` text,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `technical_log_time` ON `technical_log` (`account_id`,`time`);--> statement-breakpoint
CREATE INDEX `technical_log_batch` ON `technical_log` (`account_id`,`batch_id`,`line`);--> statement-breakpoint
CREATE TABLE `transaction` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`engagement_pid` text,
	`service_pid` text,
	`time` integer,
	`type` text,
	`status` text,
	`name` text,
	`currency` text,
	`revenue` real,
	`cost` real,
	`quantity` real,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE INDEX `transaction_engagement` ON `transaction` (`account_id`,`engagement_pid`);--> statement-breakpoint
CREATE INDEX `transaction_time` ON `transaction` (`account_id`,`time`);--> statement-breakpoint
CREATE TABLE `turn` (
	`account_id` text NOT NULL,
	`pid` text NOT NULL,
	`source_id` text,
	`external_id` text,
	`engagement_pid` text,
	`turn_time` integer,
	`response_to` text,
	`participant` text,
	`participant_pid` text,
	`type` text,
	`origin` text,
	`category_pid` text,
	`duration` real,
	`length` integer,
	`sentiment` real,
	`confidence` real,
	`quality` real,
	`language_agent` text,
	`language_customer` text,
	`language_content` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `pid`)
);
--> statement-breakpoint
CREATE INDEX `turn_engagement` ON `turn` (`account_id`,`engagement_pid`,`turn_time`);--> statement-breakpoint
CREATE TABLE `turn_content` (
	`account_id` text NOT NULL,
	`turn_pid` text NOT NULL,
	`content` text,
	`content_agent` text,
	`content_customer` text,
	`media_name` text,
	`media_type` text,
	`media_key` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `turn_pid`)
);
--> statement-breakpoint
CREATE TABLE `user` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`disabled_at` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_email` ON `user` (`email`);