// The node:* modules the runtime knows by name but does not implement (yet): what
// wrangler's bundler leaves to the runtime at a worker's compatibility date must
// resolve, so that a bundle loads; calling one of their functions throws
// ERR_METHOD_NOT_IMPLEMENTED. Their export names and plain values (constants, lists)
// are Node's. A few modules made of such facts (os, constants, perf_hooks, console,
// module, diagnostics_channel, sys) are implemented in part on top of the table.
//
// node_stubTable: module name -> [the module's enable flag or null, { export: 0 for
// a function, [value] for a plain value, { key: 0 | [value] } for an object of them }]

const node_stubTable = "{\"_http_agent\":[\"enable_nodejs_http_modules\",{\"Agent\":0,\"globalAgent\":{\"_eventsCount\":[2],\"defaultPort\":[80],\"protocol\":[\"http:\"],\"options\":[{\"keepAlive\":true,\"scheduling\":\"lifo\",\"timeout\":5000,\"noDelay\":true,\"path\":null}],\"requests\":[{}],\"sockets\":[{}],\"freeSockets\":[{}],\"keepAliveMsecs\":[1000],\"keepAlive\":[true],\"maxSockets\":[null],\"maxFreeSockets\":[256],\"scheduling\":[\"lifo\"],\"maxTotalSockets\":[null],\"totalSocketCount\":[0]}}],\"_http_client\":[\"enable_nodejs_http_modules\",{\"ClientRequest\":0}],\"_http_common\":[\"enable_nodejs_http_modules\",{\"CRLF\":[\"\\r\\n\"],\"HTTPParser\":0,\"_checkInvalidHeaderChar\":0,\"_checkIsHttpToken\":0,\"chunkExpression\":{},\"continueExpression\":{},\"freeParser\":0,\"isLenient\":0,\"kIncomingMessage\":[null],\"methods\":[[\"DELETE\",\"GET\",\"HEAD\",\"POST\",\"PUT\",\"CONNECT\",\"OPTIONS\",\"TRACE\",\"COPY\",\"LOCK\",\"MKCOL\",\"MOVE\",\"PROPFIND\",\"PROPPATCH\",\"SEARCH\",\"UNLOCK\",\"BIND\",\"REBIND\",\"UNBIND\",\"ACL\",\"REPORT\",\"MKACTIVITY\",\"CHECKOUT\",\"MERGE\",\"M-SEARCH\",\"NOTIFY\",\"SUBSCRIBE\",\"UNSUBSCRIBE\",\"PATCH\",\"PURGE\",\"MKCALENDAR\",\"LINK\",\"UNLINK\",\"SOURCE\",\"QUERY\"]],\"parsers\":{\"name\":[\"parsers\"],\"ctor\":0,\"max\":[1000],\"list\":[[]]},\"prepareError\":0}],\"_http_incoming\":[\"enable_nodejs_http_modules\",{\"IncomingMessage\":0,\"readStart\":0,\"readStop\":0}],\"_http_outgoing\":[\"enable_nodejs_http_modules\",{\"OutgoingMessage\":0,\"kHighWaterMark\":[null],\"kUniqueHeaders\":[null],\"parseUniqueHeadersOption\":0,\"validateHeaderName\":0,\"validateHeaderValue\":0}],\"_http_server\":[\"enable_nodejs_http_server_modules\",{\"STATUS_CODES\":[{\"100\":\"Continue\",\"101\":\"Switching Protocols\",\"102\":\"Processing\",\"103\":\"Early Hints\",\"200\":\"OK\",\"201\":\"Created\",\"202\":\"Accepted\",\"203\":\"Non-Authoritative Information\",\"204\":\"No Content\",\"205\":\"Reset Content\",\"206\":\"Partial Content\",\"207\":\"Multi-Status\",\"208\":\"Already Reported\",\"226\":\"IM Used\",\"300\":\"Multiple Choices\",\"301\":\"Moved Permanently\",\"302\":\"Found\",\"303\":\"See Other\",\"304\":\"Not Modified\",\"305\":\"Use Proxy\",\"307\":\"Temporary Redirect\",\"308\":\"Permanent Redirect\",\"400\":\"Bad Request\",\"401\":\"Unauthorized\",\"402\":\"Payment Required\",\"403\":\"Forbidden\",\"404\":\"Not Found\",\"405\":\"Method Not Allowed\",\"406\":\"Not Acceptable\",\"407\":\"Proxy Authentication Required\",\"408\":\"Request Timeout\",\"409\":\"Conflict\",\"410\":\"Gone\",\"411\":\"Length Required\",\"412\":\"Precondition Failed\",\"413\":\"Payload Too Large\",\"414\":\"URI Too Long\",\"415\":\"Unsupported Media Type\",\"416\":\"Range Not Satisfiable\",\"417\":\"Expectation Failed\",\"418\":\"I'm a Teapot\",\"421\":\"Misdirected Request\",\"422\":\"Unprocessable Entity\",\"423\":\"Locked\",\"424\":\"Failed Dependency\",\"425\":\"Too Early\",\"426\":\"Upgrade Required\",\"428\":\"Precondition Required\",\"429\":\"Too Many Requests\",\"431\":\"Request Header Fields Too Large\",\"451\":\"Unavailable For Legal Reasons\",\"500\":\"Internal Server Error\",\"501\":\"Not Implemented\",\"502\":\"Bad Gateway\",\"503\":\"Service Unavailable\",\"504\":\"Gateway Timeout\",\"505\":\"HTTP Version Not Supported\",\"506\":\"Variant Also Negotiates\",\"507\":\"Insufficient Storage\",\"508\":\"Loop Detected\",\"509\":\"Bandwidth Limit Exceeded\",\"510\":\"Not Extended\",\"511\":\"Network Authentication Required\"}],\"Server\":0,\"ServerResponse\":0,\"_connectionListener\":0,\"httpServerPreClose\":0,\"kConnectionsCheckingInterval\":[null],\"kServerResponse\":[null],\"setupConnectionsTracking\":0,\"storeHTTPOptions\":0}],\"_stream_wrap\":[\"enable_nodejs_stream_wrap_module\",{}],\"_tls_common\":[null,{\"SecureContext\":0,\"createSecureContext\":0,\"translatePeerCertificate\":0}],\"_tls_wrap\":[null,{\"Server\":0,\"TLSSocket\":0,\"connect\":0,\"createServer\":0}],\"child_process\":[\"enable_nodejs_child_process_module\",{\"ChildProcess\":0,\"_forkChild\":0,\"exec\":0,\"execFile\":0,\"execFileSync\":0,\"execSync\":0,\"fork\":0,\"spawn\":0,\"spawnSync\":0}],\"cluster\":[\"enable_nodejs_cluster_module\",{\"SCHED_NONE\":[1],\"SCHED_RR\":[2],\"Worker\":0,\"_events\":[{}],\"_eventsCount\":[0],\"_maxListeners\":[null],\"disconnect\":0,\"fork\":0,\"isMaster\":[true],\"isPrimary\":[true],\"isWorker\":[false],\"schedulingPolicy\":[2],\"settings\":[{}],\"setupMaster\":0,\"setupPrimary\":0,\"workers\":[{}]}],\"console\":[\"enable_nodejs_console_module\",{\"Console\":0,\"assert\":0,\"clear\":0,\"context\":0,\"count\":0,\"countReset\":0,\"createTask\":0,\"debug\":0,\"dir\":0,\"dirxml\":0,\"error\":0,\"group\":0,\"groupCollapsed\":0,\"groupEnd\":0,\"info\":0,\"log\":0,\"profile\":0,\"profileEnd\":0,\"table\":0,\"time\":0,\"timeEnd\":0,\"timeLog\":0,\"timeStamp\":0,\"trace\":0,\"warn\":0}],\"constants\":[null,{\"COPYFILE_EXCL\":[1],\"COPYFILE_FICLONE\":[2],\"COPYFILE_FICLONE_FORCE\":[4],\"DH_CHECK_P_NOT_PRIME\":[1],\"DH_CHECK_P_NOT_SAFE_PRIME\":[2],\"DH_NOT_SUITABLE_GENERATOR\":[8],\"DH_UNABLE_TO_CHECK_GENERATOR\":[4],\"E2BIG\":[7],\"EACCES\":[13],\"EADDRINUSE\":[98],\"EADDRNOTAVAIL\":[99],\"EAFNOSUPPORT\":[97],\"EAGAIN\":[11],\"EALREADY\":[114],\"EBADF\":[9],\"EBADMSG\":[74],\"EBUSY\":[16],\"ECANCELED\":[125],\"ECHILD\":[10],\"ECONNABORTED\":[103],\"ECONNREFUSED\":[111],\"ECONNRESET\":[104],\"EDEADLK\":[35],\"EDESTADDRREQ\":[89],\"EDOM\":[33],\"EDQUOT\":[122],\"EEXIST\":[17],\"EFAULT\":[14],\"EFBIG\":[27],\"EHOSTUNREACH\":[113],\"EIDRM\":[43],\"EILSEQ\":[84],\"EINPROGRESS\":[115],\"EINTR\":[4],\"EINVAL\":[22],\"EIO\":[5],\"EISCONN\":[106],\"EISDIR\":[21],\"ELOOP\":[40],\"EMFILE\":[24],\"EMLINK\":[31],\"EMSGSIZE\":[90],\"EMULTIHOP\":[72],\"ENAMETOOLONG\":[36],\"ENETDOWN\":[100],\"ENETRESET\":[102],\"ENETUNREACH\":[101],\"ENFILE\":[23],\"ENGINE_METHOD_ALL\":[65535],\"ENGINE_METHOD_CIPHERS\":[64],\"ENGINE_METHOD_DH\":[4],\"ENGINE_METHOD_DIGESTS\":[128],\"ENGINE_METHOD_DSA\":[2],\"ENGINE_METHOD_EC\":[2048],\"ENGINE_METHOD_NONE\":[0],\"ENGINE_METHOD_PKEY_ASN1_METHS\":[1024],\"ENGINE_METHOD_PKEY_METHS\":[512],\"ENGINE_METHOD_RAND\":[8],\"ENGINE_METHOD_RSA\":[1],\"ENOBUFS\":[105],\"ENODATA\":[61],\"ENODEV\":[19],\"ENOENT\":[2],\"ENOEXEC\":[8],\"ENOLCK\":[37],\"ENOLINK\":[67],\"ENOMEM\":[12],\"ENOMSG\":[42],\"ENOPROTOOPT\":[92],\"ENOSPC\":[28],\"ENOSR\":[63],\"ENOSTR\":[60],\"ENOSYS\":[38],\"ENOTCONN\":[107],\"ENOTDIR\":[20],\"ENOTEMPTY\":[39],\"ENOTSOCK\":[88],\"ENOTSUP\":[95],\"ENOTTY\":[25],\"ENXIO\":[6],\"EOPNOTSUPP\":[95],\"EOVERFLOW\":[75],\"EPERM\":[1],\"EPIPE\":[32],\"EPROTO\":[71],\"EPROTONOSUPPORT\":[93],\"EPROTOTYPE\":[91],\"ERANGE\":[34],\"EROFS\":[30],\"ESPIPE\":[29],\"ESRCH\":[3],\"ESTALE\":[116],\"ETIME\":[62],\"ETIMEDOUT\":[110],\"ETXTBSY\":[26],\"EWOULDBLOCK\":[11],\"EXDEV\":[18],\"EXTENSIONLESS_FORMAT_JAVASCRIPT\":[0],\"EXTENSIONLESS_FORMAT_WASM\":[1],\"F_OK\":[0],\"OPENSSL_VERSION_NUMBER\":[805306672],\"O_APPEND\":[1024],\"O_CREAT\":[64],\"O_DIRECT\":[16384],\"O_DIRECTORY\":[65536],\"O_DSYNC\":[4096],\"O_EXCL\":[128],\"O_NOATIME\":[262144],\"O_NOCTTY\":[256],\"O_NOFOLLOW\":[131072],\"O_NONBLOCK\":[2048],\"O_RDONLY\":[0],\"O_RDWR\":[2],\"O_SYNC\":[1052672],\"O_TRUNC\":[512],\"O_WRONLY\":[1],\"POINT_CONVERSION_COMPRESSED\":[2],\"POINT_CONVERSION_HYBRID\":[6],\"POINT_CONVERSION_UNCOMPRESSED\":[4],\"PRIORITY_ABOVE_NORMAL\":[-7],\"PRIORITY_BELOW_NORMAL\":[10],\"PRIORITY_HIGH\":[-14],\"PRIORITY_HIGHEST\":[-20],\"PRIORITY_LOW\":[19],\"PRIORITY_NORMAL\":[0],\"RSA_NO_PADDING\":[3],\"RSA_PKCS1_OAEP_PADDING\":[4],\"RSA_PKCS1_PADDING\":[1],\"RSA_PKCS1_PSS_PADDING\":[6],\"RSA_PSS_SALTLEN_AUTO\":[-2],\"RSA_PSS_SALTLEN_DIGEST\":[-1],\"RSA_PSS_SALTLEN_MAX_SIGN\":[-2],\"RSA_X931_PADDING\":[5],\"RTLD_DEEPBIND\":[8],\"RTLD_GLOBAL\":[256],\"RTLD_LAZY\":[1],\"RTLD_LOCAL\":[0],\"RTLD_NOW\":[2],\"R_OK\":[4],\"SIGABRT\":[6],\"SIGALRM\":[14],\"SIGBUS\":[7],\"SIGCHLD\":[17],\"SIGCONT\":[18],\"SIGFPE\":[8],\"SIGHUP\":[1],\"SIGILL\":[4],\"SIGINT\":[2],\"SIGIO\":[29],\"SIGIOT\":[6],\"SIGKILL\":[9],\"SIGPIPE\":[13],\"SIGPOLL\":[29],\"SIGPROF\":[27],\"SIGPWR\":[30],\"SIGQUIT\":[3],\"SIGSEGV\":[11],\"SIGSTKFLT\":[16],\"SIGSTOP\":[19],\"SIGSYS\":[31],\"SIGTERM\":[15],\"SIGTRAP\":[5],\"SIGTSTP\":[20],\"SIGTTIN\":[21],\"SIGTTOU\":[22],\"SIGURG\":[23],\"SIGUSR1\":[10],\"SIGUSR2\":[12],\"SIGVTALRM\":[26],\"SIGWINCH\":[28],\"SIGXCPU\":[24],\"SIGXFSZ\":[25],\"SSL_OP_ALL\":[2147485776],\"SSL_OP_ALLOW_NO_DHE_KEX\":[1024],\"SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION\":[262144],\"SSL_OP_CIPHER_SERVER_PREFERENCE\":[4194304],\"SSL_OP_CISCO_ANYCONNECT\":[32768],\"SSL_OP_COOKIE_EXCHANGE\":[8192],\"SSL_OP_CRYPTOPRO_TLSEXT_BUG\":[2147483648],\"SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS\":[2048],\"SSL_OP_LEGACY_SERVER_CONNECT\":[4],\"SSL_OP_NO_COMPRESSION\":[131072],\"SSL_OP_NO_ENCRYPT_THEN_MAC\":[524288],\"SSL_OP_NO_QUERY_MTU\":[4096],\"SSL_OP_NO_RENEGOTIATION\":[1073741824],\"SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION\":[65536],\"SSL_OP_NO_SSLv2\":[0],\"SSL_OP_NO_SSLv3\":[33554432],\"SSL_OP_NO_TICKET\":[16384],\"SSL_OP_NO_TLSv1\":[67108864],\"SSL_OP_NO_TLSv1_1\":[268435456],\"SSL_OP_NO_TLSv1_2\":[134217728],\"SSL_OP_NO_TLSv1_3\":[536870912],\"SSL_OP_PRIORITIZE_CHACHA\":[2097152],\"SSL_OP_TLS_ROLLBACK_BUG\":[8388608],\"S_IFBLK\":[24576],\"S_IFCHR\":[8192],\"S_IFDIR\":[16384],\"S_IFIFO\":[4096],\"S_IFLNK\":[40960],\"S_IFMT\":[61440],\"S_IFREG\":[32768],\"S_IFSOCK\":[49152],\"S_IRGRP\":[32],\"S_IROTH\":[4],\"S_IRUSR\":[256],\"S_IRWXG\":[56],\"S_IRWXO\":[7],\"S_IRWXU\":[448],\"S_IWGRP\":[16],\"S_IWOTH\":[2],\"S_IWUSR\":[128],\"S_IXGRP\":[8],\"S_IXOTH\":[1],\"S_IXUSR\":[64],\"TLS1_1_VERSION\":[770],\"TLS1_2_VERSION\":[771],\"TLS1_3_VERSION\":[772],\"TLS1_VERSION\":[769],\"UV_DIRENT_BLOCK\":[7],\"UV_DIRENT_CHAR\":[6],\"UV_DIRENT_DIR\":[2],\"UV_DIRENT_FIFO\":[4],\"UV_DIRENT_FILE\":[1],\"UV_DIRENT_LINK\":[3],\"UV_DIRENT_SOCKET\":[5],\"UV_DIRENT_UNKNOWN\":[0],\"UV_FS_COPYFILE_EXCL\":[1],\"UV_FS_COPYFILE_FICLONE\":[2],\"UV_FS_COPYFILE_FICLONE_FORCE\":[4],\"UV_FS_O_FILEMAP\":[0],\"UV_FS_SYMLINK_DIR\":[1],\"UV_FS_SYMLINK_JUNCTION\":[2],\"W_OK\":[2],\"X_OK\":[1],\"defaultCipherList\":[\"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA\"],\"defaultCoreCipherList\":[\"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA\"]}],\"dgram\":[\"enable_nodejs_dgram_module\",{\"Socket\":0,\"_createSocketHandle\":0,\"createSocket\":0}],\"dns\":[null,{\"ADDRCONFIG\":[32],\"ADDRGETNETWORKPARAMS\":[\"EADDRGETNETWORKPARAMS\"],\"ALL\":[16],\"BADFAMILY\":[\"EBADFAMILY\"],\"BADFLAGS\":[\"EBADFLAGS\"],\"BADHINTS\":[\"EBADHINTS\"],\"BADNAME\":[\"EBADNAME\"],\"BADQUERY\":[\"EBADQUERY\"],\"BADRESP\":[\"EBADRESP\"],\"BADSTR\":[\"EBADSTR\"],\"CANCELLED\":[\"ECANCELLED\"],\"CONNREFUSED\":[\"ECONNREFUSED\"],\"DESTRUCTION\":[\"EDESTRUCTION\"],\"EOF\":[\"EOF\"],\"FILE\":[\"EFILE\"],\"FORMERR\":[\"EFORMERR\"],\"LOADIPHLPAPI\":[\"ELOADIPHLPAPI\"],\"NODATA\":[\"ENODATA\"],\"NOMEM\":[\"ENOMEM\"],\"NONAME\":[\"ENONAME\"],\"NOTFOUND\":[\"ENOTFOUND\"],\"NOTIMP\":[\"ENOTIMP\"],\"NOTINITIALIZED\":[\"ENOTINITIALIZED\"],\"REFUSED\":[\"EREFUSED\"],\"Resolver\":0,\"SERVFAIL\":[\"ESERVFAIL\"],\"TIMEOUT\":[\"ETIMEOUT\"],\"V4MAPPED\":[8],\"getDefaultResultOrder\":0,\"getServers\":0,\"lookup\":0,\"lookupService\":0,\"promises\":{\"lookup\":0,\"lookupService\":0,\"Resolver\":0,\"getDefaultResultOrder\":0,\"setDefaultResultOrder\":0,\"setServers\":0,\"NODATA\":[\"ENODATA\"],\"FORMERR\":[\"EFORMERR\"],\"SERVFAIL\":[\"ESERVFAIL\"],\"NOTFOUND\":[\"ENOTFOUND\"],\"NOTIMP\":[\"ENOTIMP\"],\"REFUSED\":[\"EREFUSED\"],\"BADQUERY\":[\"EBADQUERY\"],\"BADNAME\":[\"EBADNAME\"],\"BADFAMILY\":[\"EBADFAMILY\"],\"BADRESP\":[\"EBADRESP\"],\"CONNREFUSED\":[\"ECONNREFUSED\"],\"TIMEOUT\":[\"ETIMEOUT\"],\"EOF\":[\"EOF\"],\"FILE\":[\"EFILE\"],\"NOMEM\":[\"ENOMEM\"],\"DESTRUCTION\":[\"EDESTRUCTION\"],\"BADSTR\":[\"EBADSTR\"],\"BADFLAGS\":[\"EBADFLAGS\"],\"NONAME\":[\"ENONAME\"],\"BADHINTS\":[\"EBADHINTS\"],\"NOTINITIALIZED\":[\"ENOTINITIALIZED\"],\"LOADIPHLPAPI\":[\"ELOADIPHLPAPI\"],\"ADDRGETNETWORKPARAMS\":[\"EADDRGETNETWORKPARAMS\"],\"CANCELLED\":[\"ECANCELLED\"],\"getServers\":0,\"resolve\":0,\"resolve4\":0,\"resolve6\":0,\"resolveAny\":0,\"resolveCaa\":0,\"resolveCname\":0,\"resolveMx\":0,\"resolveNaptr\":0,\"resolveNs\":0,\"resolvePtr\":0,\"resolveSoa\":0,\"resolveSrv\":0,\"resolveTxt\":0,\"reverse\":0},\"resolve\":0,\"resolve4\":0,\"resolve6\":0,\"resolveAny\":0,\"resolveCaa\":0,\"resolveCname\":0,\"resolveMx\":0,\"resolveNaptr\":0,\"resolveNs\":0,\"resolvePtr\":0,\"resolveSoa\":0,\"resolveSrv\":0,\"resolveTxt\":0,\"reverse\":0,\"setDefaultResultOrder\":0,\"setServers\":0}],\"dns/promises\":[null,{\"ADDRGETNETWORKPARAMS\":[\"EADDRGETNETWORKPARAMS\"],\"BADFAMILY\":[\"EBADFAMILY\"],\"BADFLAGS\":[\"EBADFLAGS\"],\"BADHINTS\":[\"EBADHINTS\"],\"BADNAME\":[\"EBADNAME\"],\"BADQUERY\":[\"EBADQUERY\"],\"BADRESP\":[\"EBADRESP\"],\"BADSTR\":[\"EBADSTR\"],\"CANCELLED\":[\"ECANCELLED\"],\"CONNREFUSED\":[\"ECONNREFUSED\"],\"DESTRUCTION\":[\"EDESTRUCTION\"],\"EOF\":[\"EOF\"],\"FILE\":[\"EFILE\"],\"FORMERR\":[\"EFORMERR\"],\"LOADIPHLPAPI\":[\"ELOADIPHLPAPI\"],\"NODATA\":[\"ENODATA\"],\"NOMEM\":[\"ENOMEM\"],\"NONAME\":[\"ENONAME\"],\"NOTFOUND\":[\"ENOTFOUND\"],\"NOTIMP\":[\"ENOTIMP\"],\"NOTINITIALIZED\":[\"ENOTINITIALIZED\"],\"REFUSED\":[\"EREFUSED\"],\"Resolver\":0,\"SERVFAIL\":[\"ESERVFAIL\"],\"TIMEOUT\":[\"ETIMEOUT\"],\"getDefaultResultOrder\":0,\"getServers\":0,\"lookup\":0,\"lookupService\":0,\"resolve\":0,\"resolve4\":0,\"resolve6\":0,\"resolveAny\":0,\"resolveCaa\":0,\"resolveCname\":0,\"resolveMx\":0,\"resolveNaptr\":0,\"resolveNs\":0,\"resolvePtr\":0,\"resolveSoa\":0,\"resolveSrv\":0,\"resolveTxt\":0,\"reverse\":0,\"setDefaultResultOrder\":0,\"setServers\":0}],\"domain\":[\"enable_nodejs_domain_module\",{\"Domain\":0,\"_stack\":[[]],\"active\":[null],\"create\":0,\"createDomain\":0}],\"fs\":[\"enable_nodejs_fs_module\",{\"Dir\":0,\"Dirent\":0,\"F_OK\":[0],\"FileReadStream\":0,\"FileWriteStream\":0,\"R_OK\":[4],\"ReadStream\":0,\"Stats\":0,\"W_OK\":[2],\"WriteStream\":0,\"X_OK\":[1],\"_toUnixTimestamp\":0,\"access\":0,\"accessSync\":0,\"appendFile\":0,\"appendFileSync\":0,\"chmod\":0,\"chmodSync\":0,\"chown\":0,\"chownSync\":0,\"close\":0,\"closeSync\":0,\"constants\":[{\"UV_FS_SYMLINK_DIR\":1,\"UV_FS_SYMLINK_JUNCTION\":2,\"O_RDONLY\":0,\"O_WRONLY\":1,\"O_RDWR\":2,\"UV_DIRENT_UNKNOWN\":0,\"UV_DIRENT_FILE\":1,\"UV_DIRENT_DIR\":2,\"UV_DIRENT_LINK\":3,\"UV_DIRENT_FIFO\":4,\"UV_DIRENT_SOCKET\":5,\"UV_DIRENT_CHAR\":6,\"UV_DIRENT_BLOCK\":7,\"EXTENSIONLESS_FORMAT_JAVASCRIPT\":0,\"EXTENSIONLESS_FORMAT_WASM\":1,\"S_IFMT\":61440,\"S_IFREG\":32768,\"S_IFDIR\":16384,\"S_IFCHR\":8192,\"S_IFBLK\":24576,\"S_IFIFO\":4096,\"S_IFLNK\":40960,\"S_IFSOCK\":49152,\"O_CREAT\":64,\"O_EXCL\":128,\"UV_FS_O_FILEMAP\":0,\"O_NOCTTY\":256,\"O_TRUNC\":512,\"O_APPEND\":1024,\"O_DIRECTORY\":65536,\"O_NOATIME\":262144,\"O_NOFOLLOW\":131072,\"O_SYNC\":1052672,\"O_DSYNC\":4096,\"O_DIRECT\":16384,\"O_NONBLOCK\":2048,\"S_IRWXU\":448,\"S_IRUSR\":256,\"S_IWUSR\":128,\"S_IXUSR\":64,\"S_IRWXG\":56,\"S_IRGRP\":32,\"S_IWGRP\":16,\"S_IXGRP\":8,\"S_IRWXO\":7,\"S_IROTH\":4,\"S_IWOTH\":2,\"S_IXOTH\":1,\"F_OK\":0,\"R_OK\":4,\"W_OK\":2,\"X_OK\":1,\"UV_FS_COPYFILE_EXCL\":1,\"COPYFILE_EXCL\":1,\"UV_FS_COPYFILE_FICLONE\":2,\"COPYFILE_FICLONE\":2,\"UV_FS_COPYFILE_FICLONE_FORCE\":4,\"COPYFILE_FICLONE_FORCE\":4}],\"copyFile\":0,\"copyFileSync\":0,\"cp\":0,\"cpSync\":0,\"createReadStream\":0,\"createWriteStream\":0,\"exists\":0,\"existsSync\":0,\"fchmod\":0,\"fchmodSync\":0,\"fchown\":0,\"fchownSync\":0,\"fdatasync\":0,\"fdatasyncSync\":0,\"fstat\":0,\"fstatSync\":0,\"fsync\":0,\"fsyncSync\":0,\"ftruncate\":0,\"ftruncateSync\":0,\"futimes\":0,\"futimesSync\":0,\"lchmod\":[null],\"lchmodSync\":[null],\"lchown\":0,\"lchownSync\":0,\"link\":0,\"linkSync\":0,\"lstat\":0,\"lstatSync\":0,\"lutimes\":0,\"lutimesSync\":0,\"mkdir\":0,\"mkdirSync\":0,\"mkdtemp\":0,\"mkdtempSync\":0,\"open\":0,\"openAsBlob\":0,\"openSync\":0,\"opendir\":0,\"opendirSync\":0,\"promises\":{\"access\":0,\"copyFile\":0,\"cp\":0,\"open\":0,\"opendir\":0,\"rename\":0,\"truncate\":0,\"rm\":0,\"rmdir\":0,\"mkdir\":0,\"readdir\":0,\"readlink\":0,\"symlink\":0,\"lstat\":0,\"stat\":0,\"statfs\":0,\"link\":0,\"unlink\":0,\"chmod\":0,\"lchmod\":0,\"lchown\":0,\"chown\":0,\"utimes\":0,\"lutimes\":0,\"realpath\":0,\"mkdtemp\":0,\"writeFile\":0,\"appendFile\":0,\"readFile\":0,\"watch\":0,\"constants\":[{\"UV_FS_SYMLINK_DIR\":1,\"UV_FS_SYMLINK_JUNCTION\":2,\"O_RDONLY\":0,\"O_WRONLY\":1,\"O_RDWR\":2,\"UV_DIRENT_UNKNOWN\":0,\"UV_DIRENT_FILE\":1,\"UV_DIRENT_DIR\":2,\"UV_DIRENT_LINK\":3,\"UV_DIRENT_FIFO\":4,\"UV_DIRENT_SOCKET\":5,\"UV_DIRENT_CHAR\":6,\"UV_DIRENT_BLOCK\":7,\"EXTENSIONLESS_FORMAT_JAVASCRIPT\":0,\"EXTENSIONLESS_FORMAT_WASM\":1,\"S_IFMT\":61440,\"S_IFREG\":32768,\"S_IFDIR\":16384,\"S_IFCHR\":8192,\"S_IFBLK\":24576,\"S_IFIFO\":4096,\"S_IFLNK\":40960,\"S_IFSOCK\":49152,\"O_CREAT\":64,\"O_EXCL\":128,\"UV_FS_O_FILEMAP\":0,\"O_NOCTTY\":256,\"O_TRUNC\":512,\"O_APPEND\":1024,\"O_DIRECTORY\":65536,\"O_NOATIME\":262144,\"O_NOFOLLOW\":131072,\"O_SYNC\":1052672,\"O_DSYNC\":4096,\"O_DIRECT\":16384,\"O_NONBLOCK\":2048,\"S_IRWXU\":448,\"S_IRUSR\":256,\"S_IWUSR\":128,\"S_IXUSR\":64,\"S_IRWXG\":56,\"S_IRGRP\":32,\"S_IWGRP\":16,\"S_IXGRP\":8,\"S_IRWXO\":7,\"S_IROTH\":4,\"S_IWOTH\":2,\"S_IXOTH\":1,\"F_OK\":0,\"R_OK\":4,\"W_OK\":2,\"X_OK\":1,\"UV_FS_COPYFILE_EXCL\":1,\"COPYFILE_EXCL\":1,\"UV_FS_COPYFILE_FICLONE\":2,\"COPYFILE_FICLONE\":2,\"UV_FS_COPYFILE_FICLONE_FORCE\":4,\"COPYFILE_FICLONE_FORCE\":4}]},\"read\":0,\"readFile\":0,\"readFileSync\":0,\"readSync\":0,\"readdir\":0,\"readdirSync\":0,\"readlink\":0,\"readlinkSync\":0,\"readv\":0,\"readvSync\":0,\"realpath\":0,\"realpathSync\":0,\"rename\":0,\"renameSync\":0,\"rm\":0,\"rmSync\":0,\"rmdir\":0,\"rmdirSync\":0,\"stat\":0,\"statSync\":0,\"statfs\":0,\"statfsSync\":0,\"symlink\":0,\"symlinkSync\":0,\"truncate\":0,\"truncateSync\":0,\"unlink\":0,\"unlinkSync\":0,\"unwatchFile\":0,\"utimes\":0,\"utimesSync\":0,\"watch\":0,\"watchFile\":0,\"write\":0,\"writeFile\":0,\"writeFileSync\":0,\"writeSync\":0,\"writev\":0,\"writevSync\":0}],\"fs/promises\":[\"enable_nodejs_fs_module\",{\"access\":0,\"appendFile\":0,\"chmod\":0,\"chown\":0,\"constants\":[{\"UV_FS_SYMLINK_DIR\":1,\"UV_FS_SYMLINK_JUNCTION\":2,\"O_RDONLY\":0,\"O_WRONLY\":1,\"O_RDWR\":2,\"UV_DIRENT_UNKNOWN\":0,\"UV_DIRENT_FILE\":1,\"UV_DIRENT_DIR\":2,\"UV_DIRENT_LINK\":3,\"UV_DIRENT_FIFO\":4,\"UV_DIRENT_SOCKET\":5,\"UV_DIRENT_CHAR\":6,\"UV_DIRENT_BLOCK\":7,\"EXTENSIONLESS_FORMAT_JAVASCRIPT\":0,\"EXTENSIONLESS_FORMAT_WASM\":1,\"S_IFMT\":61440,\"S_IFREG\":32768,\"S_IFDIR\":16384,\"S_IFCHR\":8192,\"S_IFBLK\":24576,\"S_IFIFO\":4096,\"S_IFLNK\":40960,\"S_IFSOCK\":49152,\"O_CREAT\":64,\"O_EXCL\":128,\"UV_FS_O_FILEMAP\":0,\"O_NOCTTY\":256,\"O_TRUNC\":512,\"O_APPEND\":1024,\"O_DIRECTORY\":65536,\"O_NOATIME\":262144,\"O_NOFOLLOW\":131072,\"O_SYNC\":1052672,\"O_DSYNC\":4096,\"O_DIRECT\":16384,\"O_NONBLOCK\":2048,\"S_IRWXU\":448,\"S_IRUSR\":256,\"S_IWUSR\":128,\"S_IXUSR\":64,\"S_IRWXG\":56,\"S_IRGRP\":32,\"S_IWGRP\":16,\"S_IXGRP\":8,\"S_IRWXO\":7,\"S_IROTH\":4,\"S_IWOTH\":2,\"S_IXOTH\":1,\"F_OK\":0,\"R_OK\":4,\"W_OK\":2,\"X_OK\":1,\"UV_FS_COPYFILE_EXCL\":1,\"COPYFILE_EXCL\":1,\"UV_FS_COPYFILE_FICLONE\":2,\"COPYFILE_FICLONE\":2,\"UV_FS_COPYFILE_FICLONE_FORCE\":4,\"COPYFILE_FICLONE_FORCE\":4}],\"copyFile\":0,\"cp\":0,\"lchmod\":0,\"lchown\":0,\"link\":0,\"lstat\":0,\"lutimes\":0,\"mkdir\":0,\"mkdtemp\":0,\"open\":0,\"opendir\":0,\"readFile\":0,\"readdir\":0,\"readlink\":0,\"realpath\":0,\"rename\":0,\"rm\":0,\"rmdir\":0,\"stat\":0,\"statfs\":0,\"symlink\":0,\"truncate\":0,\"unlink\":0,\"utimes\":0,\"watch\":0,\"writeFile\":0}],\"http\":[\"enable_nodejs_http_modules\",{\"Agent\":0,\"ClientRequest\":0,\"IncomingMessage\":0,\"METHODS\":[[\"ACL\",\"BIND\",\"CHECKOUT\",\"CONNECT\",\"COPY\",\"DELETE\",\"GET\",\"HEAD\",\"LINK\",\"LOCK\",\"M-SEARCH\",\"MERGE\",\"MKACTIVITY\",\"MKCALENDAR\",\"MKCOL\",\"MOVE\",\"NOTIFY\",\"OPTIONS\",\"PATCH\",\"POST\",\"PROPFIND\",\"PROPPATCH\",\"PURGE\",\"PUT\",\"QUERY\",\"REBIND\",\"REPORT\",\"SEARCH\",\"SOURCE\",\"SUBSCRIBE\",\"TRACE\",\"UNBIND\",\"UNLINK\",\"UNLOCK\",\"UNSUBSCRIBE\"]],\"OutgoingMessage\":0,\"STATUS_CODES\":[{\"100\":\"Continue\",\"101\":\"Switching Protocols\",\"102\":\"Processing\",\"103\":\"Early Hints\",\"200\":\"OK\",\"201\":\"Created\",\"202\":\"Accepted\",\"203\":\"Non-Authoritative Information\",\"204\":\"No Content\",\"205\":\"Reset Content\",\"206\":\"Partial Content\",\"207\":\"Multi-Status\",\"208\":\"Already Reported\",\"226\":\"IM Used\",\"300\":\"Multiple Choices\",\"301\":\"Moved Permanently\",\"302\":\"Found\",\"303\":\"See Other\",\"304\":\"Not Modified\",\"305\":\"Use Proxy\",\"307\":\"Temporary Redirect\",\"308\":\"Permanent Redirect\",\"400\":\"Bad Request\",\"401\":\"Unauthorized\",\"402\":\"Payment Required\",\"403\":\"Forbidden\",\"404\":\"Not Found\",\"405\":\"Method Not Allowed\",\"406\":\"Not Acceptable\",\"407\":\"Proxy Authentication Required\",\"408\":\"Request Timeout\",\"409\":\"Conflict\",\"410\":\"Gone\",\"411\":\"Length Required\",\"412\":\"Precondition Failed\",\"413\":\"Payload Too Large\",\"414\":\"URI Too Long\",\"415\":\"Unsupported Media Type\",\"416\":\"Range Not Satisfiable\",\"417\":\"Expectation Failed\",\"418\":\"I'm a Teapot\",\"421\":\"Misdirected Request\",\"422\":\"Unprocessable Entity\",\"423\":\"Locked\",\"424\":\"Failed Dependency\",\"425\":\"Too Early\",\"426\":\"Upgrade Required\",\"428\":\"Precondition Required\",\"429\":\"Too Many Requests\",\"431\":\"Request Header Fields Too Large\",\"451\":\"Unavailable For Legal Reasons\",\"500\":\"Internal Server Error\",\"501\":\"Not Implemented\",\"502\":\"Bad Gateway\",\"503\":\"Service Unavailable\",\"504\":\"Gateway Timeout\",\"505\":\"HTTP Version Not Supported\",\"506\":\"Variant Also Negotiates\",\"507\":\"Insufficient Storage\",\"508\":\"Loop Detected\",\"509\":\"Bandwidth Limit Exceeded\",\"510\":\"Not Extended\",\"511\":\"Network Authentication Required\"}],\"Server\":0,\"ServerResponse\":0,\"_connectionListener\":0,\"createServer\":0,\"get\":0,\"globalAgent\":{\"_eventsCount\":[2],\"defaultPort\":[80],\"protocol\":[\"http:\"],\"options\":[{\"keepAlive\":true,\"scheduling\":\"lifo\",\"timeout\":5000,\"noDelay\":true,\"path\":null}],\"requests\":[{}],\"sockets\":[{}],\"freeSockets\":[{}],\"keepAliveMsecs\":[1000],\"keepAlive\":[true],\"maxSockets\":[null],\"maxFreeSockets\":[256],\"scheduling\":[\"lifo\"],\"maxTotalSockets\":[null],\"totalSocketCount\":[0]},\"maxHeaderSize\":[16384],\"request\":0,\"setMaxIdleHTTPParsers\":0,\"validateHeaderName\":0,\"validateHeaderValue\":0}],\"http2\":[\"enable_nodejs_http2_module\",{\"Http2ServerRequest\":0,\"Http2ServerResponse\":0,\"connect\":0,\"constants\":[{\"NGHTTP2_ERR_FRAME_SIZE_ERROR\":-522,\"NGHTTP2_SESSION_SERVER\":0,\"NGHTTP2_SESSION_CLIENT\":1,\"NGHTTP2_STREAM_STATE_IDLE\":1,\"NGHTTP2_STREAM_STATE_OPEN\":2,\"NGHTTP2_STREAM_STATE_RESERVED_LOCAL\":3,\"NGHTTP2_STREAM_STATE_RESERVED_REMOTE\":4,\"NGHTTP2_STREAM_STATE_HALF_CLOSED_LOCAL\":5,\"NGHTTP2_STREAM_STATE_HALF_CLOSED_REMOTE\":6,\"NGHTTP2_STREAM_STATE_CLOSED\":7,\"NGHTTP2_FLAG_NONE\":0,\"NGHTTP2_FLAG_END_STREAM\":1,\"NGHTTP2_FLAG_END_HEADERS\":4,\"NGHTTP2_FLAG_ACK\":1,\"NGHTTP2_FLAG_PADDED\":8,\"NGHTTP2_FLAG_PRIORITY\":32,\"DEFAULT_SETTINGS_HEADER_TABLE_SIZE\":4096,\"DEFAULT_SETTINGS_ENABLE_PUSH\":1,\"DEFAULT_SETTINGS_MAX_CONCURRENT_STREAMS\":4294967295,\"DEFAULT_SETTINGS_INITIAL_WINDOW_SIZE\":65535,\"DEFAULT_SETTINGS_MAX_FRAME_SIZE\":16384,\"DEFAULT_SETTINGS_MAX_HEADER_LIST_SIZE\":65535,\"DEFAULT_SETTINGS_ENABLE_CONNECT_PROTOCOL\":0,\"MAX_MAX_FRAME_SIZE\":16777215,\"MIN_MAX_FRAME_SIZE\":16384,\"MAX_INITIAL_WINDOW_SIZE\":2147483647,\"NGHTTP2_SETTINGS_HEADER_TABLE_SIZE\":1,\"NGHTTP2_SETTINGS_ENABLE_PUSH\":2,\"NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS\":3,\"NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE\":4,\"NGHTTP2_SETTINGS_MAX_FRAME_SIZE\":5,\"NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE\":6,\"NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL\":8,\"PADDING_STRATEGY_NONE\":0,\"PADDING_STRATEGY_ALIGNED\":1,\"PADDING_STRATEGY_MAX\":2,\"PADDING_STRATEGY_CALLBACK\":1,\"NGHTTP2_NO_ERROR\":0,\"NGHTTP2_PROTOCOL_ERROR\":1,\"NGHTTP2_INTERNAL_ERROR\":2,\"NGHTTP2_FLOW_CONTROL_ERROR\":3,\"NGHTTP2_SETTINGS_TIMEOUT\":4,\"NGHTTP2_STREAM_CLOSED\":5,\"NGHTTP2_FRAME_SIZE_ERROR\":6,\"NGHTTP2_REFUSED_STREAM\":7,\"NGHTTP2_CANCEL\":8,\"NGHTTP2_COMPRESSION_ERROR\":9,\"NGHTTP2_CONNECT_ERROR\":10,\"NGHTTP2_ENHANCE_YOUR_CALM\":11,\"NGHTTP2_INADEQUATE_SECURITY\":12,\"NGHTTP2_HTTP_1_1_REQUIRED\":13,\"NGHTTP2_DEFAULT_WEIGHT\":16,\"HTTP2_HEADER_STATUS\":\":status\",\"HTTP2_HEADER_METHOD\":\":method\",\"HTTP2_HEADER_AUTHORITY\":\":authority\",\"HTTP2_HEADER_SCHEME\":\":scheme\",\"HTTP2_HEADER_PATH\":\":path\",\"HTTP2_HEADER_PROTOCOL\":\":protocol\",\"HTTP2_HEADER_ACCEPT_ENCODING\":\"accept-encoding\",\"HTTP2_HEADER_ACCEPT_LANGUAGE\":\"accept-language\",\"HTTP2_HEADER_ACCEPT_RANGES\":\"accept-ranges\",\"HTTP2_HEADER_ACCEPT\":\"accept\",\"HTTP2_HEADER_ACCESS_CONTROL_ALLOW_CREDENTIALS\":\"access-control-allow-credentials\",\"HTTP2_HEADER_ACCESS_CONTROL_ALLOW_HEADERS\":\"access-control-allow-headers\",\"HTTP2_HEADER_ACCESS_CONTROL_ALLOW_METHODS\":\"access-control-allow-methods\",\"HTTP2_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN\":\"access-control-allow-origin\",\"HTTP2_HEADER_ACCESS_CONTROL_EXPOSE_HEADERS\":\"access-control-expose-headers\",\"HTTP2_HEADER_ACCESS_CONTROL_REQUEST_HEADERS\":\"access-control-request-headers\",\"HTTP2_HEADER_ACCESS_CONTROL_REQUEST_METHOD\":\"access-control-request-method\",\"HTTP2_HEADER_AGE\":\"age\",\"HTTP2_HEADER_AUTHORIZATION\":\"authorization\",\"HTTP2_HEADER_CACHE_CONTROL\":\"cache-control\",\"HTTP2_HEADER_CONNECTION\":\"connection\",\"HTTP2_HEADER_CONTENT_DISPOSITION\":\"content-disposition\",\"HTTP2_HEADER_CONTENT_ENCODING\":\"content-encoding\",\"HTTP2_HEADER_CONTENT_LENGTH\":\"content-length\",\"HTTP2_HEADER_CONTENT_TYPE\":\"content-type\",\"HTTP2_HEADER_COOKIE\":\"cookie\",\"HTTP2_HEADER_DATE\":\"date\",\"HTTP2_HEADER_ETAG\":\"etag\",\"HTTP2_HEADER_FORWARDED\":\"forwarded\",\"HTTP2_HEADER_HOST\":\"host\",\"HTTP2_HEADER_IF_MODIFIED_SINCE\":\"if-modified-since\",\"HTTP2_HEADER_IF_NONE_MATCH\":\"if-none-match\",\"HTTP2_HEADER_IF_RANGE\":\"if-range\",\"HTTP2_HEADER_LAST_MODIFIED\":\"last-modified\",\"HTTP2_HEADER_LINK\":\"link\",\"HTTP2_HEADER_LOCATION\":\"location\",\"HTTP2_HEADER_RANGE\":\"range\",\"HTTP2_HEADER_REFERER\":\"referer\",\"HTTP2_HEADER_SERVER\":\"server\",\"HTTP2_HEADER_SET_COOKIE\":\"set-cookie\",\"HTTP2_HEADER_STRICT_TRANSPORT_SECURITY\":\"strict-transport-security\",\"HTTP2_HEADER_TRANSFER_ENCODING\":\"transfer-encoding\",\"HTTP2_HEADER_TE\":\"te\",\"HTTP2_HEADER_UPGRADE_INSECURE_REQUESTS\":\"upgrade-insecure-requests\",\"HTTP2_HEADER_UPGRADE\":\"upgrade\",\"HTTP2_HEADER_USER_AGENT\":\"user-agent\",\"HTTP2_HEADER_VARY\":\"vary\",\"HTTP2_HEADER_X_CONTENT_TYPE_OPTIONS\":\"x-content-type-options\",\"HTTP2_HEADER_X_FRAME_OPTIONS\":\"x-frame-options\",\"HTTP2_HEADER_KEEP_ALIVE\":\"keep-alive\",\"HTTP2_HEADER_PROXY_CONNECTION\":\"proxy-connection\",\"HTTP2_HEADER_X_XSS_PROTECTION\":\"x-xss-protection\",\"HTTP2_HEADER_ALT_SVC\":\"alt-svc\",\"HTTP2_HEADER_CONTENT_SECURITY_POLICY\":\"content-security-policy\",\"HTTP2_HEADER_EARLY_DATA\":\"early-data\",\"HTTP2_HEADER_EXPECT_CT\":\"expect-ct\",\"HTTP2_HEADER_ORIGIN\":\"origin\",\"HTTP2_HEADER_PURPOSE\":\"purpose\",\"HTTP2_HEADER_TIMING_ALLOW_ORIGIN\":\"timing-allow-origin\",\"HTTP2_HEADER_X_FORWARDED_FOR\":\"x-forwarded-for\",\"HTTP2_HEADER_PRIORITY\":\"priority\",\"HTTP2_HEADER_ACCEPT_CHARSET\":\"accept-charset\",\"HTTP2_HEADER_ACCESS_CONTROL_MAX_AGE\":\"access-control-max-age\",\"HTTP2_HEADER_ALLOW\":\"allow\",\"HTTP2_HEADER_CONTENT_LANGUAGE\":\"content-language\",\"HTTP2_HEADER_CONTENT_LOCATION\":\"content-location\",\"HTTP2_HEADER_CONTENT_MD5\":\"content-md5\",\"HTTP2_HEADER_CONTENT_RANGE\":\"content-range\",\"HTTP2_HEADER_DNT\":\"dnt\",\"HTTP2_HEADER_EXPECT\":\"expect\",\"HTTP2_HEADER_EXPIRES\":\"expires\",\"HTTP2_HEADER_FROM\":\"from\",\"HTTP2_HEADER_IF_MATCH\":\"if-match\",\"HTTP2_HEADER_IF_UNMODIFIED_SINCE\":\"if-unmodified-since\",\"HTTP2_HEADER_MAX_FORWARDS\":\"max-forwards\",\"HTTP2_HEADER_PREFER\":\"prefer\",\"HTTP2_HEADER_PROXY_AUTHENTICATE\":\"proxy-authenticate\",\"HTTP2_HEADER_PROXY_AUTHORIZATION\":\"proxy-authorization\",\"HTTP2_HEADER_REFRESH\":\"refresh\",\"HTTP2_HEADER_RETRY_AFTER\":\"retry-after\",\"HTTP2_HEADER_TRAILER\":\"trailer\",\"HTTP2_HEADER_TK\":\"tk\",\"HTTP2_HEADER_VIA\":\"via\",\"HTTP2_HEADER_WARNING\":\"warning\",\"HTTP2_HEADER_WWW_AUTHENTICATE\":\"www-authenticate\",\"HTTP2_HEADER_HTTP2_SETTINGS\":\"http2-settings\",\"HTTP2_METHOD_ACL\":\"ACL\",\"HTTP2_METHOD_BASELINE_CONTROL\":\"BASELINE-CONTROL\",\"HTTP2_METHOD_BIND\":\"BIND\",\"HTTP2_METHOD_CHECKIN\":\"CHECKIN\",\"HTTP2_METHOD_CHECKOUT\":\"CHECKOUT\",\"HTTP2_METHOD_CONNECT\":\"CONNECT\",\"HTTP2_METHOD_COPY\":\"COPY\",\"HTTP2_METHOD_DELETE\":\"DELETE\",\"HTTP2_METHOD_GET\":\"GET\",\"HTTP2_METHOD_HEAD\":\"HEAD\",\"HTTP2_METHOD_LABEL\":\"LABEL\",\"HTTP2_METHOD_LINK\":\"LINK\",\"HTTP2_METHOD_LOCK\":\"LOCK\",\"HTTP2_METHOD_MERGE\":\"MERGE\",\"HTTP2_METHOD_MKACTIVITY\":\"MKACTIVITY\",\"HTTP2_METHOD_MKCALENDAR\":\"MKCALENDAR\",\"HTTP2_METHOD_MKCOL\":\"MKCOL\",\"HTTP2_METHOD_MKREDIRECTREF\":\"MKREDIRECTREF\",\"HTTP2_METHOD_MKWORKSPACE\":\"MKWORKSPACE\",\"HTTP2_METHOD_MOVE\":\"MOVE\",\"HTTP2_METHOD_OPTIONS\":\"OPTIONS\",\"HTTP2_METHOD_ORDERPATCH\":\"ORDERPATCH\",\"HTTP2_METHOD_PATCH\":\"PATCH\",\"HTTP2_METHOD_POST\":\"POST\",\"HTTP2_METHOD_PRI\":\"PRI\",\"HTTP2_METHOD_PROPFIND\":\"PROPFIND\",\"HTTP2_METHOD_PROPPATCH\":\"PROPPATCH\",\"HTTP2_METHOD_PUT\":\"PUT\",\"HTTP2_METHOD_REBIND\":\"REBIND\",\"HTTP2_METHOD_REPORT\":\"REPORT\",\"HTTP2_METHOD_SEARCH\":\"SEARCH\",\"HTTP2_METHOD_TRACE\":\"TRACE\",\"HTTP2_METHOD_UNBIND\":\"UNBIND\",\"HTTP2_METHOD_UNCHECKOUT\":\"UNCHECKOUT\",\"HTTP2_METHOD_UNLINK\":\"UNLINK\",\"HTTP2_METHOD_UNLOCK\":\"UNLOCK\",\"HTTP2_METHOD_UPDATE\":\"UPDATE\",\"HTTP2_METHOD_UPDATEREDIRECTREF\":\"UPDATEREDIRECTREF\",\"HTTP2_METHOD_VERSION_CONTROL\":\"VERSION-CONTROL\",\"HTTP_STATUS_CONTINUE\":100,\"HTTP_STATUS_SWITCHING_PROTOCOLS\":101,\"HTTP_STATUS_PROCESSING\":102,\"HTTP_STATUS_EARLY_HINTS\":103,\"HTTP_STATUS_OK\":200,\"HTTP_STATUS_CREATED\":201,\"HTTP_STATUS_ACCEPTED\":202,\"HTTP_STATUS_NON_AUTHORITATIVE_INFORMATION\":203,\"HTTP_STATUS_NO_CONTENT\":204,\"HTTP_STATUS_RESET_CONTENT\":205,\"HTTP_STATUS_PARTIAL_CONTENT\":206,\"HTTP_STATUS_MULTI_STATUS\":207,\"HTTP_STATUS_ALREADY_REPORTED\":208,\"HTTP_STATUS_IM_USED\":226,\"HTTP_STATUS_MULTIPLE_CHOICES\":300,\"HTTP_STATUS_MOVED_PERMANENTLY\":301,\"HTTP_STATUS_FOUND\":302,\"HTTP_STATUS_SEE_OTHER\":303,\"HTTP_STATUS_NOT_MODIFIED\":304,\"HTTP_STATUS_USE_PROXY\":305,\"HTTP_STATUS_TEMPORARY_REDIRECT\":307,\"HTTP_STATUS_PERMANENT_REDIRECT\":308,\"HTTP_STATUS_BAD_REQUEST\":400,\"HTTP_STATUS_UNAUTHORIZED\":401,\"HTTP_STATUS_PAYMENT_REQUIRED\":402,\"HTTP_STATUS_FORBIDDEN\":403,\"HTTP_STATUS_NOT_FOUND\":404,\"HTTP_STATUS_METHOD_NOT_ALLOWED\":405,\"HTTP_STATUS_NOT_ACCEPTABLE\":406,\"HTTP_STATUS_PROXY_AUTHENTICATION_REQUIRED\":407,\"HTTP_STATUS_REQUEST_TIMEOUT\":408,\"HTTP_STATUS_CONFLICT\":409,\"HTTP_STATUS_GONE\":410,\"HTTP_STATUS_LENGTH_REQUIRED\":411,\"HTTP_STATUS_PRECONDITION_FAILED\":412,\"HTTP_STATUS_PAYLOAD_TOO_LARGE\":413,\"HTTP_STATUS_URI_TOO_LONG\":414,\"HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE\":415,\"HTTP_STATUS_RANGE_NOT_SATISFIABLE\":416,\"HTTP_STATUS_EXPECTATION_FAILED\":417,\"HTTP_STATUS_TEAPOT\":418,\"HTTP_STATUS_MISDIRECTED_REQUEST\":421,\"HTTP_STATUS_UNPROCESSABLE_ENTITY\":422,\"HTTP_STATUS_LOCKED\":423,\"HTTP_STATUS_FAILED_DEPENDENCY\":424,\"HTTP_STATUS_TOO_EARLY\":425,\"HTTP_STATUS_UPGRADE_REQUIRED\":426,\"HTTP_STATUS_PRECONDITION_REQUIRED\":428,\"HTTP_STATUS_TOO_MANY_REQUESTS\":429,\"HTTP_STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE\":431,\"HTTP_STATUS_UNAVAILABLE_FOR_LEGAL_REASONS\":451,\"HTTP_STATUS_INTERNAL_SERVER_ERROR\":500,\"HTTP_STATUS_NOT_IMPLEMENTED\":501,\"HTTP_STATUS_BAD_GATEWAY\":502,\"HTTP_STATUS_SERVICE_UNAVAILABLE\":503,\"HTTP_STATUS_GATEWAY_TIMEOUT\":504,\"HTTP_STATUS_HTTP_VERSION_NOT_SUPPORTED\":505,\"HTTP_STATUS_VARIANT_ALSO_NEGOTIATES\":506,\"HTTP_STATUS_INSUFFICIENT_STORAGE\":507,\"HTTP_STATUS_LOOP_DETECTED\":508,\"HTTP_STATUS_BANDWIDTH_LIMIT_EXCEEDED\":509,\"HTTP_STATUS_NOT_EXTENDED\":510,\"HTTP_STATUS_NETWORK_AUTHENTICATION_REQUIRED\":511}],\"createSecureServer\":0,\"createServer\":0,\"getDefaultSettings\":0,\"getPackedSettings\":0,\"getUnpackedSettings\":0,\"performServerHandshake\":0,\"sensitiveHeaders\":[null]}],\"https\":[\"enable_nodejs_http_modules\",{\"Agent\":0,\"Server\":0,\"createServer\":0,\"get\":0,\"globalAgent\":{\"_eventsCount\":[2],\"defaultPort\":[443],\"protocol\":[\"https:\"],\"options\":[{\"keepAlive\":true,\"scheduling\":\"lifo\",\"timeout\":5000,\"noDelay\":true,\"path\":null}],\"requests\":[{}],\"sockets\":[{}],\"freeSockets\":[{}],\"keepAliveMsecs\":[1000],\"keepAlive\":[true],\"maxSockets\":[null],\"maxFreeSockets\":[256],\"scheduling\":[\"lifo\"],\"maxTotalSockets\":[null],\"totalSocketCount\":[0],\"maxCachedSessions\":[100],\"_sessionCache\":[{\"map\":{},\"list\":[]}]},\"request\":0}],\"inspector\":[\"enable_nodejs_inspector_module\",{\"Network\":{\"requestWillBeSent\":0,\"responseReceived\":0,\"loadingFinished\":0,\"loadingFailed\":0},\"Session\":0,\"close\":0,\"console\":{\"debug\":0,\"error\":0,\"info\":0,\"log\":0,\"warn\":0,\"dir\":0,\"dirxml\":0,\"table\":0,\"trace\":0,\"group\":0,\"groupCollapsed\":0,\"groupEnd\":0,\"clear\":0,\"count\":0,\"countReset\":0,\"assert\":0,\"profile\":0,\"profileEnd\":0,\"time\":0,\"timeLog\":0,\"timeEnd\":0,\"timeStamp\":0,\"context\":0},\"open\":0,\"url\":0,\"waitForDebugger\":0}],\"inspector/promises\":[\"enable_nodejs_inspector_module\",{\"Network\":{\"requestWillBeSent\":0,\"responseReceived\":0,\"loadingFinished\":0,\"loadingFailed\":0},\"Session\":0,\"close\":0,\"console\":{\"debug\":0,\"error\":0,\"info\":0,\"log\":0,\"warn\":0,\"dir\":0,\"dirxml\":0,\"table\":0,\"trace\":0,\"group\":0,\"groupCollapsed\":0,\"groupEnd\":0,\"clear\":0,\"count\":0,\"countReset\":0,\"assert\":0,\"profile\":0,\"profileEnd\":0,\"time\":0,\"timeLog\":0,\"timeEnd\":0,\"timeStamp\":0,\"context\":0},\"open\":0,\"url\":0,\"waitForDebugger\":0}],\"net\":[null,{\"BlockList\":0,\"Server\":0,\"Socket\":0,\"SocketAddress\":0,\"Stream\":0,\"_createServerHandle\":0,\"_normalizeArgs\":0,\"_setSimultaneousAccepts\":0,\"connect\":0,\"createConnection\":0,\"createServer\":0,\"getDefaultAutoSelectFamily\":0,\"getDefaultAutoSelectFamilyAttemptTimeout\":0,\"isIP\":0,\"isIPv4\":0,\"isIPv6\":0,\"setDefaultAutoSelectFamily\":0,\"setDefaultAutoSelectFamilyAttemptTimeout\":0}],\"os\":[\"enable_nodejs_os_module\",{\"EOL\":[\"\\n\"],\"arch\":0,\"availableParallelism\":0,\"constants\":[{\"UV_UDP_REUSEADDR\":4,\"dlopen\":{\"RTLD_LAZY\":1,\"RTLD_NOW\":2,\"RTLD_GLOBAL\":256,\"RTLD_LOCAL\":0,\"RTLD_DEEPBIND\":8},\"errno\":{\"E2BIG\":7,\"EACCES\":13,\"EADDRINUSE\":98,\"EADDRNOTAVAIL\":99,\"EAFNOSUPPORT\":97,\"EAGAIN\":11,\"EALREADY\":114,\"EBADF\":9,\"EBADMSG\":74,\"EBUSY\":16,\"ECANCELED\":125,\"ECHILD\":10,\"ECONNABORTED\":103,\"ECONNREFUSED\":111,\"ECONNRESET\":104,\"EDEADLK\":35,\"EDESTADDRREQ\":89,\"EDOM\":33,\"EDQUOT\":122,\"EEXIST\":17,\"EFAULT\":14,\"EFBIG\":27,\"EHOSTUNREACH\":113,\"EIDRM\":43,\"EILSEQ\":84,\"EINPROGRESS\":115,\"EINTR\":4,\"EINVAL\":22,\"EIO\":5,\"EISCONN\":106,\"EISDIR\":21,\"ELOOP\":40,\"EMFILE\":24,\"EMLINK\":31,\"EMSGSIZE\":90,\"EMULTIHOP\":72,\"ENAMETOOLONG\":36,\"ENETDOWN\":100,\"ENETRESET\":102,\"ENETUNREACH\":101,\"ENFILE\":23,\"ENOBUFS\":105,\"ENODATA\":61,\"ENODEV\":19,\"ENOENT\":2,\"ENOEXEC\":8,\"ENOLCK\":37,\"ENOLINK\":67,\"ENOMEM\":12,\"ENOMSG\":42,\"ENOPROTOOPT\":92,\"ENOSPC\":28,\"ENOSR\":63,\"ENOSTR\":60,\"ENOSYS\":38,\"ENOTCONN\":107,\"ENOTDIR\":20,\"ENOTEMPTY\":39,\"ENOTSOCK\":88,\"ENOTSUP\":95,\"ENOTTY\":25,\"ENXIO\":6,\"EOPNOTSUPP\":95,\"EOVERFLOW\":75,\"EPERM\":1,\"EPIPE\":32,\"EPROTO\":71,\"EPROTONOSUPPORT\":93,\"EPROTOTYPE\":91,\"ERANGE\":34,\"EROFS\":30,\"ESPIPE\":29,\"ESRCH\":3,\"ESTALE\":116,\"ETIME\":62,\"ETIMEDOUT\":110,\"ETXTBSY\":26,\"EWOULDBLOCK\":11,\"EXDEV\":18},\"signals\":{\"SIGHUP\":1,\"SIGINT\":2,\"SIGQUIT\":3,\"SIGILL\":4,\"SIGTRAP\":5,\"SIGABRT\":6,\"SIGIOT\":6,\"SIGBUS\":7,\"SIGFPE\":8,\"SIGKILL\":9,\"SIGUSR1\":10,\"SIGSEGV\":11,\"SIGUSR2\":12,\"SIGPIPE\":13,\"SIGALRM\":14,\"SIGTERM\":15,\"SIGCHLD\":17,\"SIGSTKFLT\":16,\"SIGCONT\":18,\"SIGSTOP\":19,\"SIGTSTP\":20,\"SIGTTIN\":21,\"SIGTTOU\":22,\"SIGURG\":23,\"SIGXCPU\":24,\"SIGXFSZ\":25,\"SIGVTALRM\":26,\"SIGPROF\":27,\"SIGWINCH\":28,\"SIGIO\":29,\"SIGPOLL\":29,\"SIGPWR\":30,\"SIGSYS\":31},\"priority\":{\"PRIORITY_LOW\":19,\"PRIORITY_BELOW_NORMAL\":10,\"PRIORITY_NORMAL\":0,\"PRIORITY_ABOVE_NORMAL\":-7,\"PRIORITY_HIGH\":-14,\"PRIORITY_HIGHEST\":-20}}],\"cpus\":0,\"devNull\":[\"/dev/null\"],\"endianness\":0,\"freemem\":0,\"getPriority\":0,\"homedir\":0,\"hostname\":0,\"loadavg\":0,\"machine\":0,\"networkInterfaces\":0,\"platform\":0,\"release\":0,\"setPriority\":0,\"tmpdir\":0,\"totalmem\":0,\"type\":0,\"uptime\":0,\"userInfo\":0,\"version\":0}],\"perf_hooks\":[\"enable_nodejs_perf_hooks_module\",{\"Performance\":0,\"PerformanceEntry\":0,\"PerformanceMark\":0,\"PerformanceMeasure\":0,\"PerformanceObserver\":0,\"PerformanceObserverEntryList\":0,\"PerformanceResourceTiming\":0,\"constants\":[{\"NODE_PERFORMANCE_GC_MAJOR\":4,\"NODE_PERFORMANCE_GC_MINOR\":1,\"NODE_PERFORMANCE_GC_INCREMENTAL\":8,\"NODE_PERFORMANCE_GC_WEAKCB\":16,\"NODE_PERFORMANCE_GC_FLAGS_NO\":0,\"NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED\":2,\"NODE_PERFORMANCE_GC_FLAGS_FORCED\":4,\"NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING\":8,\"NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE\":16,\"NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY\":32,\"NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE\":64}],\"createHistogram\":0,\"monitorEventLoopDelay\":0,\"performance\":{}}],\"punycode\":[\"enable_nodejs_punycode_module\",{\"decode\":0,\"encode\":0,\"toASCII\":0,\"toUnicode\":0,\"ucs2\":{\"decode\":0,\"encode\":0},\"version\":[\"2.1.0\"]}],\"readline\":[\"enable_nodejs_readline_module\",{\"Interface\":0,\"clearLine\":0,\"clearScreenDown\":0,\"createInterface\":0,\"cursorTo\":0,\"emitKeypressEvents\":0,\"moveCursor\":0,\"promises\":{\"Interface\":0,\"Readline\":0,\"createInterface\":0}}],\"readline/promises\":[\"enable_nodejs_readline_module\",{\"Interface\":0,\"Readline\":0,\"createInterface\":0}],\"repl\":[\"enable_nodejs_repl_module\",{\"REPLServer\":0,\"REPL_MODE_SLOPPY\":[null],\"REPL_MODE_STRICT\":[null],\"Recoverable\":0,\"builtinModules\":[[\"assert\",\"assert/strict\",\"async_hooks\",\"buffer\",\"child_process\",\"cluster\",\"console\",\"constants\",\"crypto\",\"dgram\",\"diagnostics_channel\",\"dns\",\"dns/promises\",\"domain\",\"events\",\"fs\",\"fs/promises\",\"http\",\"http2\",\"https\",\"inspector\",\"inspector/promises\",\"module\",\"net\",\"os\",\"path\",\"path/posix\",\"path/win32\",\"perf_hooks\",\"process\",\"punycode\",\"querystring\",\"readline\",\"readline/promises\",\"repl\",\"stream\",\"stream/consumers\",\"stream/promises\",\"stream/web\",\"string_decoder\",\"sys\",\"timers\",\"timers/promises\",\"tls\",\"trace_events\",\"tty\",\"url\",\"util\",\"util/types\",\"v8\",\"vm\",\"wasi\",\"worker_threads\",\"zlib\"]],\"isValidSyntax\":0,\"start\":0,\"writer\":0}],\"sqlite\":[\"enable_nodejs_sqlite_module\",{\"DatabaseSync\":0,\"StatementSync\":0,\"backup\":0,\"constants\":[{}]}],\"tls\":[null,{\"CLIENT_RENEG_LIMIT\":[3],\"CLIENT_RENEG_WINDOW\":[600],\"DEFAULT_CIPHERS\":[\"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA\"],\"DEFAULT_ECDH_CURVE\":[\"auto\"],\"DEFAULT_MAX_VERSION\":[\"TLSv1.3\"],\"DEFAULT_MIN_VERSION\":[\"TLSv1.2\"],\"SecureContext\":0,\"Server\":0,\"TLSSocket\":0,\"checkServerIdentity\":0,\"connect\":0,\"convertALPNProtocols\":0,\"createSecureContext\":0,\"createSecurePair\":0,\"createServer\":0,\"getCiphers\":0,\"rootCertificates\":[[]]}],\"trace_events\":[\"enable_nodejs_trace_events_module\",{\"createTracing\":0,\"getEnabledCategories\":0}],\"tty\":[\"enable_nodejs_tty_module\",{\"ReadStream\":0,\"WriteStream\":0,\"isatty\":0}],\"v8\":[\"enable_nodejs_v8_module\",{\"DefaultDeserializer\":0,\"DefaultSerializer\":0,\"Deserializer\":0,\"GCProfiler\":0,\"Serializer\":0,\"cachedDataVersionTag\":0,\"deserialize\":0,\"getHeapCodeStatistics\":0,\"getHeapSnapshot\":0,\"getHeapSpaceStatistics\":0,\"getHeapStatistics\":0,\"promiseHooks\":{\"createHook\":0,\"onInit\":0,\"onBefore\":0,\"onAfter\":0,\"onSettled\":0},\"queryObjects\":0,\"serialize\":0,\"setFlagsFromString\":0,\"setHeapSnapshotNearHeapLimit\":0,\"startupSnapshot\":{\"addDeserializeCallback\":0,\"addSerializeCallback\":0,\"setDeserializeMainFunction\":0,\"isBuildingSnapshot\":0},\"stopCoverage\":0,\"takeCoverage\":0,\"writeHeapSnapshot\":0}],\"vm\":[\"enable_nodejs_vm_module\",{\"Script\":0,\"compileFunction\":0,\"constants\":{},\"createContext\":0,\"createScript\":0,\"isContext\":0,\"measureMemory\":0,\"runInContext\":0,\"runInNewContext\":0,\"runInThisContext\":0}],\"wasi\":[\"enable_nodejs_wasi_module\",{\"WASI\":0}],\"worker_threads\":[\"enable_nodejs_worker_threads_module\",{\"BroadcastChannel\":0,\"MessageChannel\":0,\"MessagePort\":0,\"SHARE_ENV\":[null],\"Worker\":0,\"getEnvironmentData\":0,\"isMainThread\":[true],\"markAsUntransferable\":0,\"moveMessagePortToContext\":0,\"parentPort\":[null],\"postMessageToThread\":0,\"receiveMessageOnPort\":0,\"resourceLimits\":[{}],\"setEnvironmentData\":0,\"threadId\":[0],\"workerData\":[null]}],\"zlib\":[\"nodejs_zlib\",{\"BrotliCompress\":0,\"BrotliDecompress\":0,\"Deflate\":0,\"DeflateRaw\":0,\"Gunzip\":0,\"Gzip\":0,\"Inflate\":0,\"InflateRaw\":0,\"Unzip\":0,\"brotliCompress\":0,\"brotliCompressSync\":0,\"brotliDecompress\":0,\"brotliDecompressSync\":0,\"codes\":[{\"0\":\"Z_OK\",\"1\":\"Z_STREAM_END\",\"2\":\"Z_NEED_DICT\",\"Z_OK\":0,\"Z_STREAM_END\":1,\"Z_NEED_DICT\":2,\"Z_ERRNO\":-1,\"Z_STREAM_ERROR\":-2,\"Z_DATA_ERROR\":-3,\"Z_MEM_ERROR\":-4,\"Z_BUF_ERROR\":-5,\"Z_VERSION_ERROR\":-6,\"-1\":\"Z_ERRNO\",\"-2\":\"Z_STREAM_ERROR\",\"-3\":\"Z_DATA_ERROR\",\"-4\":\"Z_MEM_ERROR\",\"-5\":\"Z_BUF_ERROR\",\"-6\":\"Z_VERSION_ERROR\"}],\"constants\":[{\"Z_NO_FLUSH\":0,\"Z_PARTIAL_FLUSH\":1,\"Z_SYNC_FLUSH\":2,\"Z_FULL_FLUSH\":3,\"Z_FINISH\":4,\"Z_BLOCK\":5,\"Z_OK\":0,\"Z_STREAM_END\":1,\"Z_NEED_DICT\":2,\"Z_ERRNO\":-1,\"Z_STREAM_ERROR\":-2,\"Z_DATA_ERROR\":-3,\"Z_MEM_ERROR\":-4,\"Z_BUF_ERROR\":-5,\"Z_VERSION_ERROR\":-6,\"Z_NO_COMPRESSION\":0,\"Z_BEST_SPEED\":1,\"Z_BEST_COMPRESSION\":9,\"Z_DEFAULT_COMPRESSION\":-1,\"Z_FILTERED\":1,\"Z_HUFFMAN_ONLY\":2,\"Z_RLE\":3,\"Z_FIXED\":4,\"Z_DEFAULT_STRATEGY\":0,\"ZLIB_VERNUM\":4880,\"DEFLATE\":1,\"INFLATE\":2,\"GZIP\":3,\"GUNZIP\":4,\"DEFLATERAW\":5,\"INFLATERAW\":6,\"UNZIP\":7,\"BROTLI_DECODE\":8,\"BROTLI_ENCODE\":9,\"Z_MIN_WINDOWBITS\":8,\"Z_MAX_WINDOWBITS\":15,\"Z_DEFAULT_WINDOWBITS\":15,\"Z_MIN_CHUNK\":64,\"Z_MAX_CHUNK\":null,\"Z_DEFAULT_CHUNK\":16384,\"Z_MIN_MEMLEVEL\":1,\"Z_MAX_MEMLEVEL\":9,\"Z_DEFAULT_MEMLEVEL\":8,\"Z_MIN_LEVEL\":-1,\"Z_MAX_LEVEL\":9,\"Z_DEFAULT_LEVEL\":-1,\"BROTLI_OPERATION_PROCESS\":0,\"BROTLI_OPERATION_FLUSH\":1,\"BROTLI_OPERATION_FINISH\":2,\"BROTLI_OPERATION_EMIT_METADATA\":3,\"BROTLI_PARAM_MODE\":0,\"BROTLI_MODE_GENERIC\":0,\"BROTLI_MODE_TEXT\":1,\"BROTLI_MODE_FONT\":2,\"BROTLI_DEFAULT_MODE\":0,\"BROTLI_PARAM_QUALITY\":1,\"BROTLI_MIN_QUALITY\":0,\"BROTLI_MAX_QUALITY\":11,\"BROTLI_DEFAULT_QUALITY\":11,\"BROTLI_PARAM_LGWIN\":2,\"BROTLI_MIN_WINDOW_BITS\":10,\"BROTLI_MAX_WINDOW_BITS\":24,\"BROTLI_LARGE_MAX_WINDOW_BITS\":30,\"BROTLI_DEFAULT_WINDOW\":22,\"BROTLI_PARAM_LGBLOCK\":3,\"BROTLI_MIN_INPUT_BLOCK_BITS\":16,\"BROTLI_MAX_INPUT_BLOCK_BITS\":24,\"BROTLI_PARAM_DISABLE_LITERAL_CONTEXT_MODELING\":4,\"BROTLI_PARAM_SIZE_HINT\":5,\"BROTLI_PARAM_LARGE_WINDOW\":6,\"BROTLI_PARAM_NPOSTFIX\":7,\"BROTLI_PARAM_NDIRECT\":8,\"BROTLI_DECODER_RESULT_ERROR\":0,\"BROTLI_DECODER_RESULT_SUCCESS\":1,\"BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT\":2,\"BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT\":3,\"BROTLI_DECODER_PARAM_DISABLE_RING_BUFFER_REALLOCATION\":0,\"BROTLI_DECODER_PARAM_LARGE_WINDOW\":1,\"BROTLI_DECODER_NO_ERROR\":0,\"BROTLI_DECODER_SUCCESS\":1,\"BROTLI_DECODER_NEEDS_MORE_INPUT\":2,\"BROTLI_DECODER_NEEDS_MORE_OUTPUT\":3,\"BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_NIBBLE\":-1,\"BROTLI_DECODER_ERROR_FORMAT_RESERVED\":-2,\"BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_META_NIBBLE\":-3,\"BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_ALPHABET\":-4,\"BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_SAME\":-5,\"BROTLI_DECODER_ERROR_FORMAT_CL_SPACE\":-6,\"BROTLI_DECODER_ERROR_FORMAT_HUFFMAN_SPACE\":-7,\"BROTLI_DECODER_ERROR_FORMAT_CONTEXT_MAP_REPEAT\":-8,\"BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_1\":-9,\"BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_2\":-10,\"BROTLI_DECODER_ERROR_FORMAT_TRANSFORM\":-11,\"BROTLI_DECODER_ERROR_FORMAT_DICTIONARY\":-12,\"BROTLI_DECODER_ERROR_FORMAT_WINDOW_BITS\":-13,\"BROTLI_DECODER_ERROR_FORMAT_PADDING_1\":-14,\"BROTLI_DECODER_ERROR_FORMAT_PADDING_2\":-15,\"BROTLI_DECODER_ERROR_FORMAT_DISTANCE\":-16,\"BROTLI_DECODER_ERROR_DICTIONARY_NOT_SET\":-19,\"BROTLI_DECODER_ERROR_INVALID_ARGUMENTS\":-20,\"BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES\":-21,\"BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS\":-22,\"BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP\":-25,\"BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1\":-26,\"BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2\":-27,\"BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES\":-30,\"BROTLI_DECODER_ERROR_UNREACHABLE\":-31}],\"crc32\":0,\"createBrotliCompress\":0,\"createBrotliDecompress\":0,\"createDeflate\":0,\"createDeflateRaw\":0,\"createGunzip\":0,\"createGzip\":0,\"createInflate\":0,\"createInflateRaw\":0,\"createUnzip\":0,\"deflate\":0,\"deflateRaw\":0,\"deflateRawSync\":0,\"deflateSync\":0,\"gunzip\":0,\"gunzipSync\":0,\"gzip\":0,\"gzipSync\":0,\"inflate\":0,\"inflateRaw\":0,\"inflateRawSync\":0,\"inflateSync\":0,\"unzip\":0,\"unzipSync\":0}]}";

let node_stubParsed;

function node_makeStub(name) {
  if (node_stubParsed === undefined) node_stubParsed = JSONParse(node_stubTable);
  const exports = {};
  const description = node_stubParsed[name][1];
  const keys = ObjectKeys(description);
  for (let i = 0; i < keys.length; i++) {
    exports[keys[i]] = node_stubValue(description[keys[i]], `${name}.${keys[i]}`);
  }
  const finish = node_stubFinishers[name];
  if (finish !== undefined) finish(exports);
  return exports;
}

function node_stubValue(description, what) {
  if (description === 0) return node_notImplemented(what);
  if (ArrayIsArray(description)) return description[0];
  const object = {};
  const keys = ObjectKeys(description);
  for (let i = 0; i < keys.length; i++) object[keys[i]] = node_stubValue(description[keys[i]], `${what}.${keys[i]}`);
  return object;
}

// Defined when a worker has nodejs_compat (node_configure), so that other isolates
// never parse the table.
function node_defineStubs() {
  if (node_stubParsed === undefined) node_stubParsed = JSONParse(node_stubTable);
  const names = ObjectKeys(node_stubParsed);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    node_define(name, () => node_makeStub(name), node_stubParsed[name][0] ?? undefined);
  }
}

// What the stubbed modules do answer, as workerd does: fixed facts of a worker's
// environment (os), the global performance and console, createRequire for built-ins.
const node_stubFinishers = {
  __proto__: null,
  os(os) {
    const facts = {
      EOL: '\n', devNull: '/dev/null',
      platform: () => 'linux', type: () => 'Linux', arch: () => 'x64', machine: () => 'x86_64', release: () => '',
      version: () => '', hostname: () => 'localhost', homedir: () => '/', tmpdir: () => '/tmp', endianness: () => 'LE',
      cpus: () => [], totalmem: () => 0, freemem: () => 0, uptime: () => 0, loadavg: () => [0, 0, 0],
      networkInterfaces: () => ({}), availableParallelism: () => 1, getPriority: () => 0, setPriority: () => {},
      userInfo: () => ({ uid: 0, gid: 0, username: 'root', homedir: '/', shell: null }),
    };
    const keys = ObjectKeys(facts);
    for (let i = 0; i < keys.length; i++) os[keys[i]] = facts[keys[i]];
  },
  http(module) {
    node_httpFinish(module, 'http:');
  },
  https(module) {
    node_httpFinish(module, 'https:');
  },
  zlib(zlib) {
    node_zlibFinish(zlib);
  },
  net(net) {
    net.isIPv4 = node_isIPv4;
    net.isIPv6 = node_isIPv6;
    net.isIP = (input) => (node_isIPv4(input) ? 4 : node_isIPv6(input) ? 6 : 0);
    node_netFinish(net);
  },
  tls(tls) {
    node_tlsFinish(tls);
  },
  perf_hooks(hooks) {
    hooks.performance = globalThis.performance;
    if (globalThis.Performance !== undefined) hooks.Performance = globalThis.Performance;
  },
  console(module) {
    const names = ObjectKeys(module);
    for (let i = 0; i < names.length; i++) {
      if (typeof console[names[i]] === 'function') module[names[i]] = console[names[i]];
    }
    module.default = console;
  },
};

node_define('sys', () => node_require('util'));
node_define('module', () => {
  const list = () => {
    const names = [];
    builtins_defined.forEach((value, key) => {
      if (StringPrototypeStartsWith(key, 'node:')) ArrayPrototypePush(names, StringPrototypeSlice(key, 5));
    });
    return names;
  };
  const isBuiltin = (id) => {
    const name = StringPrototypeStartsWith(id, 'node:') ? StringPrototypeSlice(id, 5) : id;
    return builtins_defined.has(`node:${name}`);
  };
  function createRequire(filename) {
    const require = (id) => {
      node_validateString(id, 'id');
      const module = node_require('process').getBuiltinModule(id);
      if (module === undefined) {
        throw node_error(Error, 'MODULE_NOT_FOUND', `Cannot find module '${id}': only the runtime's built-in modules can be required`);
      }
      return module;
    };
    require.resolve = (id) => {
      if (!isBuiltin(id)) throw node_error(Error, 'MODULE_NOT_FOUND', `Cannot find module '${id}'`);
      return StringPrototypeStartsWith(id, 'node:') ? id : `node:${id}`;
    };
    require.cache = { __proto__: null };
    return require;
  }
  const Module = function Module() {};
  Module.createRequire = createRequire;
  Module.isBuiltin = isBuiltin;
  ObjectDefineProperty(Module, 'builtinModules', { get: list, enumerable: true });
  Module.register = node_notImplemented('module.register');
  Module.syncBuiltinESMExports = () => {};
  Module.findSourceMap = () => undefined;
  Module.SourceMap = node_notImplemented('module.SourceMap');
  Module.Module = Module;
  return Module;
});

node_define('diagnostics_channel', () => {
  const channels = new SafeMap();
  class Channel {
    #subscribers = [];

    constructor(name) {
      this.name = name;
    }

    get hasSubscribers() {
      return this.#subscribers.length > 0;
    }

    subscribe(subscription) {
      node_validateFunction(subscription, 'subscription');
      ArrayPrototypePush(this.#subscribers, subscription);
    }

    unsubscribe(subscription) {
      const at = ArrayPrototypeIndexOf(this.#subscribers, subscription);
      if (at < 0) return false;
      removeFromList(this.#subscribers, at);
      return true;
    }

    publish(message) {
      const subscribers = copyList(this.#subscribers);
      for (let i = 0; i < subscribers.length; i++) {
        try {
          subscribers[i](message, this.name);
        } catch (error) {
          queueMicrotask(() => { throw error; });
        }
      }
    }

    bindStore() {}

    unbindStore() {
      return false;
    }

    runStores(data, fn, thisArg, ...args) {
      this.publish(data);
      return ReflectApply(fn, thisArg, args);
    }
  }
  const channel = (name) => {
    let found = channels.get(name);
    if (found === undefined) {
      found = new Channel(name);
      channels.set(name, found);
    }
    return found;
  };
  function tracingChannel(nameOrChannels) {
    const make = (event) => (typeof nameOrChannels === 'string'
      ? channel(`tracing:${nameOrChannels}:${event}`) : nameOrChannels[event]);
    const start = make('start');
    const end = make('end');
    const asyncStart = make('asyncStart');
    const asyncEnd = make('asyncEnd');
    const error = make('error');
    return {
      start, end, asyncStart, asyncEnd, error,
      get hasSubscribers() {
        return start.hasSubscribers || end.hasSubscribers || asyncStart.hasSubscribers || asyncEnd.hasSubscribers
          || error.hasSubscribers;
      },
      subscribe(handlers) {
        const names = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'];
        for (let i = 0; i < names.length; i++) if (handlers[names[i]]) this[names[i]].subscribe(handlers[names[i]]);
      },
      unsubscribe(handlers) {
        const names = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'];
        let all = true;
        for (let i = 0; i < names.length; i++) {
          if (handlers[names[i]] && !this[names[i]].unsubscribe(handlers[names[i]])) all = false;
        }
        return all;
      },
      traceSync(fn, context = {}, thisArg, ...args) {
        start.publish(context);
        try {
          const result = ReflectApply(fn, thisArg, args);
          context.result = result;
          return result;
        } catch (e) {
          context.error = e;
          error.publish(context);
          throw e;
        } finally {
          end.publish(context);
        }
      },
      async tracePromise(fn, context = {}, thisArg, ...args) {
        start.publish(context);
        try {
          const result = await ReflectApply(fn, thisArg, args);
          context.result = result;
          asyncStart.publish(context);
          return result;
        } catch (e) {
          context.error = e;
          error.publish(context);
          throw e;
        } finally {
          end.publish(context);
          asyncEnd.publish(context);
        }
      },
      traceCallback(fn, position = -1, context = {}, thisArg, ...args) {
        return ReflectApply(fn, thisArg, args);
      },
    };
  }
  return {
    channel,
    hasSubscribers: (name) => channels.has(name) && channels.get(name).hasSubscribers,
    subscribe: (name, fn) => channel(name).subscribe(fn),
    unsubscribe: (name, fn) => channel(name).unsubscribe(fn),
    tracingChannel,
    Channel,
  };
});

// net.isIPv4/isIPv6, as Node answers them: the input as a string; IPv4 as four decimal
// numbers 0-255 without leading zeros; IPv6 as eight groups of one to four hex digits,
// one run of them shortened to "::", the last two optionally an IPv4 address, and an
// optional zone ("%eth0").
function node_isIPv4(input) {
  const text = `${input}`;
  const parts = stringSplit(text, '.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (part.length === 0 || part.length > 3 || (part.length > 1 && part[0] === '0')) return false;
    for (let j = 0; j < part.length; j++) {
      const c = StringPrototypeCharCodeAt(part, j);
      if (c < 0x30 || c > 0x39) return false;
    }
    if (NumberParseInt(part, 10) > 255) return false;
  }
  return true;
}

function node_isIPv6(input) {
  let text = `${input}`;
  const zone = StringPrototypeIndexOf(text, '%');
  if (zone >= 0) {
    const name = StringPrototypeSlice(text, zone + 1);
    if (name.length === 0 || RegExpPrototypeExec(/^[0-9a-zA-Z.:-]+$/, name) === null) return false;
    text = StringPrototypeSlice(text, 0, zone);
  }
  const gap = StringPrototypeIndexOf(text, '::');
  if (gap >= 0 && StringPrototypeIndexOf(text, '::', gap + 1) >= 0) return false;
  const halves = gap < 0 ? [text] : [StringPrototypeSlice(text, 0, gap), StringPrototypeSlice(text, gap + 2)];
  let groups = 0;
  for (let h = 0; h < halves.length; h++) {
    if (halves[h] === '') continue;
    const pieces = stringSplit(halves[h], ':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (h === halves.length - 1 && i === pieces.length - 1 && StringPrototypeIncludes(piece, '.')) {
        if (!node_isIPv4(piece)) return false;
        groups += 2;
      } else if (RegExpPrototypeExec(/^[0-9a-fA-F]{1,4}$/, piece) === null) {
        return false;
      } else {
        groups++;
      }
    }
  }
  return gap < 0 ? groups === 8 : groups <= 7;
}
