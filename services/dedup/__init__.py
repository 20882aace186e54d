"""dedup: flags exact and near duplicates of earlier articles (MinHash/LSH index in Redis or in memory)."""
