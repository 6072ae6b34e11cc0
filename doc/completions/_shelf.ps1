
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'shelf' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'shelf'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'shelf' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the registry (the static site) over HTTP')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Regenerate the static site from the index and blobs')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify that the index, the blobs and the site agree (after a crash, say); change nothing')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Delete the blobs nothing in the index names any more (after a grace period)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Check a package zip and publish it')
            [CompletionResult]::new('yank', 'yank', [CompletionResultType]::ParameterValue, 'Yank a version (still downloadable, never latest), or un-yank it with --undo')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a version, or a whole package; its numbers are never used again')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Pack a directory (or take a zip) and publish it to a registry over HTTP')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a registry and store the token for `publish`')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Create narrower, expiring tokens (for CI) on a registry')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Create API keys for signed requests on a registry')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Manage accounts of the local registry''s database (offline)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch the index (and templates/assets) and regenerate what changes outside the API')
            [CompletionResult]::new('mirror', 'mirror', [CompletionResultType]::ParameterValue, 'Copy a remote Shelf registry from its static files, and keep the copy current')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (or write every page with --out)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration, or print a commented example file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (`127.0.0.1:0` picks a free port)')
            [CompletionResult]::new('--registration', '--registration', [CompletionResultType]::ParameterName, 'Whether anyone may create an account with `POST /register`')
            [CompletionResult]::new('--token-days', '--token-days', [CompletionResultType]::ParameterName, 'Lifetime of a login token, in days')
            [CompletionResult]::new('--signature-window', '--signature-window', [CompletionResultType]::ParameterName, 'How far a signed request''s timestamp may be from the server''s clock, in seconds')
            [CompletionResult]::new('--upload-ttl', '--upload-ttl', [CompletionResultType]::ParameterName, 'How long an upload URL stays valid, in seconds')
            [CompletionResult]::new('--register-per-hour', '--register-per-hour', [CompletionResultType]::ParameterName, 'Registrations allowed per IP per hour')
            [CompletionResult]::new('--login-per-minute', '--login-per-minute', [CompletionResultType]::ParameterName, 'Login attempts allowed per username from one address per minute (an address gets four times this across usernames; a stranger''s guesses never lock the account out elsewhere)')
            [CompletionResult]::new('--publish-per-hour', '--publish-per-hour', [CompletionResultType]::ParameterName, 'Publishes allowed per account per hour')
            [CompletionResult]::new('--search-per-minute', '--search-per-minute', [CompletionResultType]::ParameterName, 'Searches allowed per IP per minute')
            [CompletionResult]::new('--max-pending-uploads', '--max-pending-uploads', [CompletionResultType]::ParameterName, 'Most uploads one account may have announced and not yet sent')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Serve this site directory as it is (a mirror, a copied site) instead of a registry: no index, no database, no API; every path answered as the registry''s own server answers it')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Seconds a client may take to send a request''s headers; also how long a keep-alive connection may sit idle between requests. Then the connection is closed')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Seconds a request body may send nothing before the request fails with 408 (an upload URL stays usable), and a response may wait for the client to read it')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections served at once; more wait to be accepted. Default: what the open-file limit (raised to its hard maximum) leaves room for, at most 4096')
            [CompletionResult]::new('--token-realm', '--token-realm', [CompletionResultType]::ParameterName, 'The URL OCI clients are sent to for a token (the realm of the challenge): the public URL of this server''s `/v2/token`. Default: `{api_url}/v2/token` (the index''s API URL, else its base URL)')
            [CompletionResult]::new('--gc-every', '--gc-every', [CompletionResultType]::ParameterName, 'Collect the blob store''s garbage this often, on the writer, between changes (as `shelf gc`; `15m`, `24h`). Default: never')
            [CompletionResult]::new('--gc-grace', '--gc-grace', [CompletionResultType]::ParameterName, 'The collection''s grace period: unreferenced blobs stored or used less than this long ago are kept')
            [CompletionResult]::new('--max-blob-bytes', '--max-blob-bytes', [CompletionResultType]::ParameterName, 'Largest blob an OCI client may push, in bytes (8 GiB)')
            [CompletionResult]::new('--max-tarball-bytes', '--max-tarball-bytes', [CompletionResultType]::ParameterName, 'Largest package tarball an npm publish may carry, in bytes (64 MiB)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;build' {
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Rebuild only these packages (plus the registry-wide files); default: everything')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Plan every package and compare every file with the target, instead of trusting the record of the last build''s inputs (`DATA/build-inputs/`) for the packages whose index files did not change. For a target that may have been changed by hand')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Print every problem, not only the first few of each kind')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;gc' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Keep unreferenced blobs stored or used less than this long ago (`90s`, `15m`, `24h`, `7d`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be deleted; delete nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;add' {
            [CompletionResult]::new('--notes', '--notes', [CompletionResultType]::ParameterName, 'A file whose text becomes the release notes')
            [CompletionResult]::new('--publisher', '--publisher', [CompletionResultType]::ParameterName, 'Account name recorded as the publisher (default: $SHELF_PUBLISHER, else $USER)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;yank' {
            [CompletionResult]::new('--publisher', '--publisher', [CompletionResultType]::ParameterName, 'Account name recorded as the author of the change')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('--undo', '--undo', [CompletionResultType]::ParameterName, 'Un-yank instead')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;delete' {
            [CompletionResult]::new('--publisher', '--publisher', [CompletionResultType]::ParameterName, 'Account name recorded as the author of the change')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;publish' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry URL')
            [CompletionResult]::new('--notes', '--notes', [CompletionResultType]::ParameterName, 'A file whose text becomes the release notes')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'Sign with this API key instead of using the login token; the secret comes from $SHELF_API_SECRET or from the credentials file (`shelf key create --save`). Without it, $SHELF_TOKEN or the stored login token is used')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('--include-node-modules', '--include-node-modules', [CompletionResultType]::ParameterName, 'Pack node_modules folders too (Serverless Devs installs nothing when it downloads a component, so runtime dependencies must travel in the zip)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Pack and check only; upload nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;login' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry URL')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Account name; asked for when not given. The password is read from stdin when stdin is not a terminal (`echo "$PASSWORD" | shelf login --username NAME …`), else asked for without echo')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;token' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token. Only the token is printed on stdout, so scripts can capture it (`SHELF_TOKEN=$(shelf token create …)`); the rest goes to stderr')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;token;create' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry URL')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A label to recognise it by')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'What it may do, e.g. `publish:hello*`; repeat the flag or list several')
            [CompletionResult]::new('--expires-in-days', '--expires-in-days', [CompletionResultType]::ParameterName, 'Lifetime in days (default: the registry''s, 30 days for tokens; keys never expire)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, '`bearer`: a token for `shelf publish` and the API. `s-client`: a code for the official `s` client (`s registry login --token CODE`), kept by the registry as an API key''s secret is')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;token;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token. Only the token is printed on stdout, so scripts can capture it (`SHELF_TOKEN=$(shelf token create …)`); the rest goes to stderr')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;token;help;create' {
            break
        }
        'shelf;token;help;help' {
            break
        }
        'shelf;key' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an API key. Prints `SHELF_API_KEY=…` and `SHELF_API_SECRET=…` on stdout, the variables `shelf publish` signs with; the secret is shown once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;key;create' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry URL')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A label to recognise it by')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'What it may do, e.g. `publish:hello*`; repeat the flag or list several')
            [CompletionResult]::new('--expires-in-days', '--expires-in-days', [CompletionResultType]::ParameterName, 'Lifetime in days (default: the registry''s, 30 days for tokens; keys never expire)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Also store the key id and secret in the credentials file for this registry (replacing a stored key), so `shelf publish --key-id ID` finds the secret')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;key;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an API key. Prints `SHELF_API_KEY=…` and `SHELF_API_SECRET=…` on stdout, the variables `shelf publish` signs with; the secret is shown once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;key;help;create' {
            break
        }
        'shelf;key;help;help' {
            break
        }
        'shelf;user' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create an account. The password is read from the first line of stdin when stdin is not a terminal, otherwise prompted for twice')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;user;add' {
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email address (unique, regardless of case)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'Make the account an administrator (may read the audit log and act on any package)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;user;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create an account. The password is read from the first line of stdin when stdin is not a terminal, otherwise prompted for twice')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;user;help;add' {
            break
        }
        'shelf;user;help;help' {
            break
        }
        'shelf;watch' {
            [CompletionResult]::new('--debounce-ms', '--debounce-ms', [CompletionResultType]::ParameterName, 'How long the files must stay quiet before a batch of changes is applied, in milliseconds (a `git pull` writes many files; they are rebuilt once)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;mirror' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Folder the copy is written to (a dir-layout site; serve it with `shelf serve --site DIR`). Run again to bring it up to date')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;man' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write `shelf.1` and a page per subcommand (`shelf-serve.1`…) into this folder, instead of printing `shelf.1`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the configuration a command would run with, and where each value comes from (flag, environment, file and line, default); secrets are never printed')
            [CompletionResult]::new('example', 'example', [CompletionResultType]::ParameterValue, 'Print a commented `shelf.toml` with every key at its default')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;config;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;config;example' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file (default: DATA/shelf.toml when it exists). Every key names a flag; a flag or an environment variable wins over the file (`shelf config show`)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory holding index/ (git), blobs/ and site/')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Public base URL every absolute URL starts with. Recorded in the index when it is created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a different one later records it and rewrites every URL')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where the site is written (default: DATA/site)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'How documents are stored: `dir` for filesystems, `keys` for object stores')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Folder of templates overriding the embedded ones (same file names)')
            [CompletionResult]::new('--assets', '--assets', [CompletionResultType]::ParameterName, 'Folder of site assets overriding the embedded ones (same file names)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX` (credentials, region and endpoint from the standard AWS environment and files)')
            [CompletionResult]::new('--s3-endpoint', '--s3-endpoint', [CompletionResultType]::ParameterName, 'Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs')
            [CompletionResult]::new('--s3-access-key-id', '--s3-access-key-id', [CompletionResultType]::ParameterName, 'Access key id for the store, with --s3-secret-access-key (default: the standard AWS environment and files)')
            [CompletionResult]::new('--s3-secret-access-key', '--s3-secret-access-key', [CompletionResultType]::ParameterName, 'Secret access key for the store, with --s3-access-key-id')
            [CompletionResult]::new('--purge-url', '--purge-url', [CompletionResultType]::ParameterName, 'After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook')
            [CompletionResult]::new('--purge-token', '--purge-token', [CompletionResultType]::ParameterName, 'Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN''s API key)')
            [CompletionResult]::new('--purge-command', '--purge-command', [CompletionResultType]::ParameterName, 'After each write, run this command with the changed paths, one per line, on stdin')
            [CompletionResult]::new('--index-remote', '--index-remote', [CompletionResultType]::ParameterName, 'After each commit, push the index to this git remote (retried; never loses a commit)')
            [CompletionResult]::new('--max-zip-bytes', '--max-zip-bytes', [CompletionResultType]::ParameterName, 'Largest zip accepted, in bytes (64 MiB)')
            [CompletionResult]::new('--max-entries', '--max-entries', [CompletionResultType]::ParameterName, 'Most entries a zip may hold')
            [CompletionResult]::new('--max-uncompressed-bytes', '--max-uncompressed-bytes', [CompletionResultType]::ParameterName, 'Largest total uncompressed size of a zip''s entries, in bytes (512 MiB)')
            [CompletionResult]::new('--max-ratio', '--max-ratio', [CompletionResultType]::ParameterName, 'Highest compression ratio of an entry')
            [CompletionResult]::new('--max-manifest-bytes', '--max-manifest-bytes', [CompletionResultType]::ParameterName, 'Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors are still printed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'shelf;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the configuration a command would run with, and where each value comes from (flag, environment, file and line, default); secrets are never printed')
            [CompletionResult]::new('example', 'example', [CompletionResultType]::ParameterValue, 'Print a commented `shelf.toml` with every key at its default')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;config;help;show' {
            break
        }
        'shelf;config;help;example' {
            break
        }
        'shelf;config;help;help' {
            break
        }
        'shelf;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the registry (the static site) over HTTP')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Regenerate the static site from the index and blobs')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify that the index, the blobs and the site agree (after a crash, say); change nothing')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Delete the blobs nothing in the index names any more (after a grace period)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Check a package zip and publish it')
            [CompletionResult]::new('yank', 'yank', [CompletionResultType]::ParameterValue, 'Yank a version (still downloadable, never latest), or un-yank it with --undo')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a version, or a whole package; its numbers are never used again')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Pack a directory (or take a zip) and publish it to a registry over HTTP')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a registry and store the token for `publish`')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Create narrower, expiring tokens (for CI) on a registry')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Create API keys for signed requests on a registry')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Manage accounts of the local registry''s database (offline)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch the index (and templates/assets) and regenerate what changes outside the API')
            [CompletionResult]::new('mirror', 'mirror', [CompletionResultType]::ParameterValue, 'Copy a remote Shelf registry from its static files, and keep the copy current')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (or write every page with --out)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration, or print a commented example file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'shelf;help;serve' {
            break
        }
        'shelf;help;build' {
            break
        }
        'shelf;help;check' {
            break
        }
        'shelf;help;gc' {
            break
        }
        'shelf;help;add' {
            break
        }
        'shelf;help;yank' {
            break
        }
        'shelf;help;delete' {
            break
        }
        'shelf;help;publish' {
            break
        }
        'shelf;help;login' {
            break
        }
        'shelf;help;token' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token. Only the token is printed on stdout, so scripts can capture it (`SHELF_TOKEN=$(shelf token create …)`); the rest goes to stderr')
            break
        }
        'shelf;help;token;create' {
            break
        }
        'shelf;help;key' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an API key. Prints `SHELF_API_KEY=…` and `SHELF_API_SECRET=…` on stdout, the variables `shelf publish` signs with; the secret is shown once')
            break
        }
        'shelf;help;key;create' {
            break
        }
        'shelf;help;user' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create an account. The password is read from the first line of stdin when stdin is not a terminal, otherwise prompted for twice')
            break
        }
        'shelf;help;user;add' {
            break
        }
        'shelf;help;watch' {
            break
        }
        'shelf;help;mirror' {
            break
        }
        'shelf;help;completions' {
            break
        }
        'shelf;help;man' {
            break
        }
        'shelf;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the configuration a command would run with, and where each value comes from (flag, environment, file and line, default); secrets are never printed')
            [CompletionResult]::new('example', 'example', [CompletionResultType]::ParameterValue, 'Print a commented `shelf.toml` with every key at its default')
            break
        }
        'shelf;help;config;show' {
            break
        }
        'shelf;help;config;example' {
            break
        }
        'shelf;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
