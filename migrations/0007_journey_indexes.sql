CREATE INDEX `customer_external` ON `customer` (`account_id`,`external_id`,`pid`);--> statement-breakpoint
CREATE INDEX `pii_reveal_user` ON `pii_reveal` (`account_id`,`user_id`,`revealed_at`,`id`);