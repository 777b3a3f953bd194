// The page shell this worker keeps (addresses with versions: a changed file makes a new worker).
var SHELL = {{ shell|tojson }};
