DROP TABLE read_generations;
