-- One database per service that owns data (the same ones ./sandbox up creates).
CREATE DATABASE orders;
CREATE DATABASE ingestion;
