/* Dropbear's compile-time options for XenLive's dom0 (copied into the
 * source tree by build-dropbear.sh; it overrides default_options.h).
 * A lab-only, key-only build: dom0 machines of one lab log in to each
 * other as root with ed25519 keys to live-migrate guests. Nothing starts
 * the server at boot. What is not named here keeps Dropbear's default. */

/* Authentication: public keys only, on both sides. No password can be
 * guessed over the network because none is ever asked for, and a script
 * never hangs at a password prompt. */
#define DROPBEAR_SVR_PASSWORD_AUTH 0
#define DROPBEAR_SVR_PAM_AUTH 0
#define DROPBEAR_SVR_PUBKEY_AUTH 1
#define DROPBEAR_CLI_PASSWORD_AUTH 0
#define DROPBEAR_CLI_PUBKEY_AUTH 1
/* no password from $DROPBEAR_PASSWORD or an askpass helper either */
#define DROPBEAR_USE_PASSWORD_ENV 0
#define DROPBEAR_CLI_ASKPASS_HELPER 0
/* authorized_keys options stay: `restrict,command="..."` can tie a lab key
 * to the one command migration needs */
#define DROPBEAR_SVR_PUBKEY_OPTIONS 1

/* Keys: ed25519 only, for host keys and user keys. RSA and ECDSA keys are
 * neither accepted nor generated; DSS is already off upstream; security-key
 * (U2F) user keys are not needed in a lab. */
#define DROPBEAR_ED25519 1
#define DROPBEAR_RSA 0
#define DROPBEAR_RSA_SHA1 0
#define DROPBEAR_ECDSA 0
#define DROPBEAR_DSS 0
#define DROPBEAR_SK_KEYS 0

/* Key exchange: curve25519 only (no finite-field DH, no NIST curves) */
#define DROPBEAR_CURVE25519 1
#define DROPBEAR_ECDH 0
#define DROPBEAR_DH_GROUP1 0
#define DROPBEAR_DH_GROUP14_SHA1 0
#define DROPBEAR_DH_GROUP14_SHA256 0
#define DROPBEAR_DH_GROUP16 0

/* Ciphers: authenticated encryption only, chacha20-poly1305 and
 * aes256-gcm; no CTR, CBC, 3DES or 128-bit AES. */
#define DROPBEAR_CHACHA20POLY1305 1
#define DROPBEAR_AES256 1
#define DROPBEAR_ENABLE_GCM_MODE 1
#define DROPBEAR_AES128 0
#define DROPBEAR_3DES 0
#define DROPBEAR_ENABLE_CTR_MODE 0
#define DROPBEAR_ENABLE_CBC_MODE 0
/* MACs: the AEAD ciphers above carry their own; SSH still negotiates a MAC
 * name, so keep the one SHA-2 HMAC and drop SHA-1 */
#define DROPBEAR_SHA2_256_HMAC 1
#define DROPBEAR_SHA2_512_HMAC 0
#define DROPBEAR_SHA1_HMAC 0
#define DROPBEAR_SHA1_96_HMAC 0

/* No forwarding of any kind: no X11, no agent, no TCP either way, so a
 * lab key opens a command channel and nothing else. Without client TCP
 * forwarding, netcat mode (-B) and multihop (-J proxy commands) go too. */
#define DROPBEAR_X11FWD 0
#define DROPBEAR_SVR_AGENTFWD 0
#define DROPBEAR_CLI_AGENTFWD 0
#define DROPBEAR_SVR_LOCALTCPFWD 0
#define DROPBEAR_SVR_REMOTETCPFWD 0
#define DROPBEAR_CLI_LOCALTCPFWD 0
#define DROPBEAR_CLI_REMOTETCPFWD 0
#define DROPBEAR_CLI_NETCAT 0
#define DROPBEAR_CLI_PROXYCMD 0

/* dom0 ships no sftp-server */
#define DROPBEAR_SFTPSERVER 0
