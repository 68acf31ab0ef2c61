DROP TABLE privilege_requests;
