-- The knowledge base's database (the image makes kari_tracker from POSTGRES_DB).
CREATE DATABASE kari_kb OWNER kari;
