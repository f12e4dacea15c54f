import { PERMISSIONS, type Permission, type Role } from "../../schemas/accounts";

/** What each role may do. Admins may do everything. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  supervisor: [
    "liveConversations.viewAll",
    "liveConversations.handle",
    "conversations.viewContent",
    "pii.reveal",
    "reviews.write",
    "qa.manage",
    "visualizations.edit",
    "dashboards.edit",
    "metrics.edit",
    "export.run",
    "technicalLog.view",
  ],
  analyst: [
    "conversations.viewContent",
    "reviews.write",
    "visualizations.edit",
    "dashboards.edit",
    "metrics.edit",
    "export.run",
    "technicalLog.view",
  ],
  agent: ["liveConversations.handle", "conversations.viewContent", "reviews.write"],
};

/** The permissions a role carries. */
export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return new Set(ROLE_PERMISSIONS[role]);
}
