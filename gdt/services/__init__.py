"""The operations: each public function owns one unit of work, calls the workflow and writes audit."""
