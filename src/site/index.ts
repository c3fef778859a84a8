export { initSite, type SiteInitOptions } from './site-init.js';
export { issueLinkToken } from './token-issue.js';
export { createLink, type LinkCreateResult } from './link-create.js';
export { exposeService, importService, unexposeService, unimportService } from './service-edits.js';
export { editSiteConfig } from './config-edit.js';
export { noticeRouter } from './router-notice.js';
export { removeLink } from './link-remove.js';
export { revokeSite, type RevokeSiteOptions, type RevokeSiteResult } from './site-revoke.js';
export { issueAdmin } from './admin-issue.js';
