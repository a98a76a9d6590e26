const http = require('node:http');
http.get('http://127.0.0.1:59999/'); // no 'error' listener: denied on 25+, ECONNREFUSED before
