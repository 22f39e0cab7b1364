DROP TABLE audit_log;
DROP TABLE user_associations;
DROP TABLE users;
DROP TABLE organizations;
