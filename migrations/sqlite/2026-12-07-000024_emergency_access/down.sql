DROP TABLE emergency_accesses;
