await fetch('http://127.0.0.1:59999/'); // denied on 25+, ECONNREFUSED before
