// node:crypto key objects, signatures and AES ciphers (run with nodejs_compat). The keys,
// signatures and ciphertexts are what Node 20 made; Node 20 passes every test here too.
import {
  KeyObject, createPrivateKey, createPublicKey, createSecretKey, sign, verify, createSign, createVerify,
  createCipheriv, createDecipheriv, constants, generateKeyPairSync,
} from 'node:crypto';
import { assertEquals, assertDeepEquals } from './assert.js';

const ENCRYPTED = {
  "ecEncrypted": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgIBPSmY/AmyAICCAAw\nDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEN29oEX0R+mhLcGjfroT+4wEgZCI\nJDsBawibfIpX8J1WD7PBCYJ0RMQVmiNzbB8W5LMj4UzmlMmKDYh+7VFFKDuynN8H\ngG/lZOGQqdndyaTdjrdTOZz0rEmLFR/Jgpllr/MO6YJ84xPs15AnB7mGCedm3dto\nTGqs9LUqWz5oKNWBZbjcVv6/ROnQAoUcPK72FHBuG9uJ539OlKDf8jejSJF8kzc=\n-----END ENCRYPTED PRIVATE KEY-----\n",
  "rsaEncrypted128": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFLTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI4AgOw1D8tRgCAggA\nMAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAECBBAFVKzGx2ry83HcnhUnX9H4BIIE\n0Fly4zemp7oysYzM9RP+CwdTDKc3KbzN6jGz4/j6MY2Tt/kgCjNZd0GtjiCJ8mEj\nyBcNDka09Y9syU1s7Nm4jKp+9EvT5P7AwDM+jVewZU0eXGl7b87cYhrdxsYMlxJS\nY7jNjPkHSKm2Gjhmp7egS24UTTLVH4cXRi5pqExRhM8sFNFYFtcV82Ox0VJEyUKm\noOHZMSzEPM7YG6OYD8u/7JckuKFHDIcp59zjMvh4XFwH1SxrTLOopqn3Bc5ARkto\n/bxCv6CmY1mhPlmFPp43+FVbCzGL/OKDu0AR2oFcpsS6yBE5v3wB01xn0QGxFlAs\nxJdeWvKNNgvoWcNEAxsolGVJUcNkeajVHPqUDQOl0moHScuNDyXvxi3zT1IYeOYY\nWb9RZH30Ti1lt2IyKOHI1MsYO8X5RRJx/1kqbUt6/ENOjIke9a1bVlnZGN+3Ks3j\nlEzqq4xojcbD+iGzR973m4sRTNZ1PMQTO9HcTUF9YPpmuOW8QONT8Q3zspkYJkCo\nNH0FlKvGJNzdZBgyLYIWt9Io3a8C39nWCaLcPSFJG0CnhQ1OVpf2TuKSxWBui2qV\nB51+MnYVMUjb8vPO4o6eiMOXyVkY0GPO1uxZ17lvooUKfjVQYTk0QL6nwxQk6r4c\nEocpiBiwX9meiI+IV2u0CelVh9yv9ElVsJm9Dxwz7EgjOmfsYk4NHh4ieRnm914A\nieC6wPRsGYMhpWzr9Yc7U+HppZbhW8iZ0WPd19x/xgBXcFbdJVERgYUM8DwGUIY/\nhd9NBxD3V8EYyCnrhDXlya9WlCgoJZ+r5p9Kd45PQksu4hpYu9/DXM0BQYNvIuWS\n/f6uOmdG5BLvdtA8XUrKVynsfTg+U/i3J93vEVF5wWzxLdke8BUFi25GeZ1A866m\nwYuW3V3XZeyakyRVYCozh+zqAJtxR83vvEgxavOcvQPDUOWDD8u3yBxSV7/W74RJ\nft/TGrPG62u6jaCNJuAE98MLvwYsKikHN8XI3bDBfurtf0pDMt/db6udZ5EgJqGR\nb05cUM1jCVBJceS6wcT/8rV6nnBav2jODTq/GLrhO/JmVMzslEp8tC96VVwDJ1Js\nrGUZ5zAUaVSg+df1obCC/ahJ9JpUImOv3AUkKZAqMlbdXmBJpOQ6bRBznhUHujlK\n8ypPFJtZ7C/rwU4Z+7Ly4Z9JStRiRa4sbTKQ8osV5oq1mzXOJ5JM41Q1EVtsdnEq\nOvpuZLOpEFPq6WChqkQEUa1a51LQvBwWPydmuykBxqHeg0ygTW2q0pm43ji6BTX6\niYtFpRnFH5DmqGdapgT4qUpC5zwnhvHvjzEFAT8/1rC07ySCY7srMygmELIARwPR\n4OPX3Nl9XSj0IYSmrsyesM5IwSNiSF2x1AhYSjyT2RlFXSGRadU1xaElr7EIM4CA\n1XesvIoUtEvW90vSVYz1vwYsaCfiIEylSU6zGHa/WeOc4aOzqkaChMbIrZ2hSyns\nFSpzQTSUJQ+UR84dUZqTjiLtHSjgFpvGISUmrCIwGkOW6OVSg/yG46LkPRB/uBes\nRTtnT51Urv51/tK5HHS2PAXPYyl5+f57eMFQwAlyZP2BxmWzlqkvCyW/3YOEBMJx\nOpPXowa0bln9T1nL6/1ipdyeG8OmpnMe7EAYhSPgEp7o\n-----END ENCRYPTED PRIVATE KEY-----\n"
};

const V = {
  "rsaPkcs8": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCW1Dc+YNA1E8IQ\nHb5k4kCXuDCJGed+8jeOsn1k89YfkcEO4/82LyB9AAmiXwkVWQSU323XmvhV+536\nThPjhbtlKvLkNLuz7kSRgi/T+IaM6WS+869tcy8SNGxgrewtlvfgAqhtIaeQa1R3\n7+da8PtvlkLXtldriF3d6GHPs5VX1mJMNYXFqQ+BDkGzooPBUsX4C7S/SKaoMVjU\nQo0dS9bcAq3dy9MEI/vfVmxHxMWc9V4kVC2h7Jnvf0bVoo1266wYnJOOw+9qftmC\n+DH8sN4oTqJ26elrvBpQr+fMCR5Vkqf6Xp1xxTTmAVsmO4mGdM4OhQ120JdDoB09\nB9TF98sNAgMBAAECggEAGBf8Xy2N9PycAoEN2gW+db4Jms0VitTchSIEH+1HpjFd\nWqiXKyuqD+3CnDp8M/nNXo62eDucMfgIy2RPjwfc4JNUy5mU5nBIacoXI9BOhhH+\ncvZwbpZ4zXqsWWFPGhVEsXcbOpumrc5HZwVeustGDxQ8x0KsglP9UqZ9gXVZhPdO\nQkXwBMEnSrKsPYC3pPzvO/gWCz3C5xQYMBqJJNrgIeEzUYSZZV8OZPudPavzPGkT\n6855KioRCb1Hx+gJGioisBRfvlCCeQ5i3skJxR45wIQJo/rcy0tE8JISmAyXshOm\nCOXBldRWTb4YYETnR7C3iGJAnZiaY3sszg7+BWxYYQKBgQDRcbcU0yYAnnbEPcUP\nzxjpH8PuEY0jTQMb+zKjXc8mWx3sHGreYbOrxAk7kYD5oOI8NNBmonhdaZDo6XkT\niW/SD9aiVw9PV4V6Vz6D/GoJBOFL3zbN5+seoPT63ZqJjZIpfYOdWBnaFnAWl9k0\nbQgkwo3nJnx3XzhiVYLJOIoV1QKBgQC4WwoPwOqwf+ZUGxiTt9FYMFpPrn7K3HCl\nWxYX+rZNKAXQCvwWpkqQH8B0+mk8oantULTUv9iDijPf3KnIH7qs6bdZGij0QKGv\nQCueJtChFX5znjdhTOSdAf2B5Z/PxTSy5uOxo+enJs54m6fEE9+otRhCXYDmDvbf\nL+fuhDNkWQKBgQCPj/zIf3sbDYOnPBfpoDEZCrcIZmtx+QXaljK9nD2zst0tzMTM\nLfg0EqmpdTEM6uRoFGONFmyeyw+TNwXRCHHncQfUOwy5e+p4U3j8i3Y7PGcZ1KUC\nOqgFVJrXojKderbnTat7nLoLrTmjou41a08bs2gFO3IxeMlzTd3aA7FTCQKBgGf8\n+kzujbMnQd25NwDD0/MBuz9s9xoog+XR3kGCauhUpgq214FTJYXsUxvo0AmiSv6Q\n4p+K4283OpGQn7hBpYO5hXFeHzG/bzQyZygbTt0+CYjf+u8Id3/UypFF3AJPg61S\nLadbA+U2L4q6ikRAzY0VMWzl3zplwH0eQZ45td9pAoGACYiSQk5h3/yJWnMnSoYJ\nrylzbk2lw709gwOtZKUzReiXANPCu+A9fc8+3EAUfUxEHEzlj3tZAhhVWMMMP4Vz\nJXZe+LN+vVzV+UojI4sj3RnOyt4iAOsxid2YTmLPZDlyg0ynea8YMEhHMa5tL+JA\nAA4qnkFheRlXtSlqZbqVLeY=\n-----END PRIVATE KEY-----\n",
  "rsaPkcs1": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAltQ3PmDQNRPCEB2+ZOJAl7gwiRnnfvI3jrJ9ZPPWH5HBDuP/\nNi8gfQAJol8JFVkElN9t15r4Vfud+k4T44W7ZSry5DS7s+5EkYIv0/iGjOlkvvOv\nbXMvEjRsYK3sLZb34AKobSGnkGtUd+/nWvD7b5ZC17ZXa4hd3ehhz7OVV9ZiTDWF\nxakPgQ5Bs6KDwVLF+Au0v0imqDFY1EKNHUvW3AKt3cvTBCP731ZsR8TFnPVeJFQt\noeyZ739G1aKNduusGJyTjsPvan7Zgvgx/LDeKE6idunpa7waUK/nzAkeVZKn+l6d\nccU05gFbJjuJhnTODoUNdtCXQ6AdPQfUxffLDQIDAQABAoIBABgX/F8tjfT8nAKB\nDdoFvnW+CZrNFYrU3IUiBB/tR6YxXVqolysrqg/twpw6fDP5zV6Otng7nDH4CMtk\nT48H3OCTVMuZlOZwSGnKFyPQToYR/nL2cG6WeM16rFlhTxoVRLF3Gzqbpq3OR2cF\nXrrLRg8UPMdCrIJT/VKmfYF1WYT3TkJF8ATBJ0qyrD2At6T87zv4Fgs9wucUGDAa\niSTa4CHhM1GEmWVfDmT7nT2r8zxpE+vOeSoqEQm9R8foCRoqIrAUX75QgnkOYt7J\nCcUeOcCECaP63MtLRPCSEpgMl7ITpgjlwZXUVk2+GGBE50ewt4hiQJ2YmmN7LM4O\n/gVsWGECgYEA0XG3FNMmAJ52xD3FD88Y6R/D7hGNI00DG/syo13PJlsd7Bxq3mGz\nq8QJO5GA+aDiPDTQZqJ4XWmQ6Ol5E4lv0g/WolcPT1eFelc+g/xqCQThS982zefr\nHqD0+t2aiY2SKX2DnVgZ2hZwFpfZNG0IJMKN5yZ8d184YlWCyTiKFdUCgYEAuFsK\nD8DqsH/mVBsYk7fRWDBaT65+ytxwpVsWF/q2TSgF0Ar8FqZKkB/AdPppPKGp7VC0\n1L/Yg4oz39ypyB+6rOm3WRoo9EChr0ArnibQoRV+c543YUzknQH9geWfz8U0subj\nsaPnpybOeJunxBPfqLUYQl2A5g723y/n7oQzZFkCgYEAj4/8yH97Gw2DpzwX6aAx\nGQq3CGZrcfkF2pYyvZw9s7LdLczEzC34NBKpqXUxDOrkaBRjjRZsnssPkzcF0Qhx\n53EH1DsMuXvqeFN4/It2OzxnGdSlAjqoBVSa16IynXq2502re5y6C605o6LuNWtP\nG7NoBTtyMXjJc03d2gOxUwkCgYBn/PpM7o2zJ0HduTcAw9PzAbs/bPcaKIPl0d5B\ngmroVKYKtteBUyWF7FMb6NAJokr+kOKfiuNvNzqRkJ+4QaWDuYVxXh8xv280Mmco\nG07dPgmI3/rvCHd/1MqRRdwCT4OtUi2nWwPlNi+KuopEQM2NFTFs5d86ZcB9HkGe\nObXfaQKBgAmIkkJOYd/8iVpzJ0qGCa8pc25NpcO9PYMDrWSlM0XolwDTwrvgPX3P\nPtxAFH1MRBxM5Y97WQIYVVjDDD+FcyV2Xvizfr1c1flKIyOLI90ZzsreIgDrMYnd\nmE5iz2Q5coNMp3mvGDBIRzGubS/iQAAOKp5BYXkZV7UpamW6lS3m\n-----END RSA PRIVATE KEY-----\n",
  "rsaSpki": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAltQ3PmDQNRPCEB2+ZOJA\nl7gwiRnnfvI3jrJ9ZPPWH5HBDuP/Ni8gfQAJol8JFVkElN9t15r4Vfud+k4T44W7\nZSry5DS7s+5EkYIv0/iGjOlkvvOvbXMvEjRsYK3sLZb34AKobSGnkGtUd+/nWvD7\nb5ZC17ZXa4hd3ehhz7OVV9ZiTDWFxakPgQ5Bs6KDwVLF+Au0v0imqDFY1EKNHUvW\n3AKt3cvTBCP731ZsR8TFnPVeJFQtoeyZ739G1aKNduusGJyTjsPvan7Zgvgx/LDe\nKE6idunpa7waUK/nzAkeVZKn+l6dccU05gFbJjuJhnTODoUNdtCXQ6AdPQfUxffL\nDQIDAQAB\n-----END PUBLIC KEY-----\n",
  "rsaPkcs1Pub": "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAltQ3PmDQNRPCEB2+ZOJAl7gwiRnnfvI3jrJ9ZPPWH5HBDuP/Ni8g\nfQAJol8JFVkElN9t15r4Vfud+k4T44W7ZSry5DS7s+5EkYIv0/iGjOlkvvOvbXMv\nEjRsYK3sLZb34AKobSGnkGtUd+/nWvD7b5ZC17ZXa4hd3ehhz7OVV9ZiTDWFxakP\ngQ5Bs6KDwVLF+Au0v0imqDFY1EKNHUvW3AKt3cvTBCP731ZsR8TFnPVeJFQtoeyZ\n739G1aKNduusGJyTjsPvan7Zgvgx/LDeKE6idunpa7waUK/nzAkeVZKn+l6dccU0\n5gFbJjuJhnTODoUNdtCXQ6AdPQfUxffLDQIDAQAB\n-----END RSA PUBLIC KEY-----\n",
  "rsaJwk": {
    "kty": "RSA",
    "n": "ltQ3PmDQNRPCEB2-ZOJAl7gwiRnnfvI3jrJ9ZPPWH5HBDuP_Ni8gfQAJol8JFVkElN9t15r4Vfud-k4T44W7ZSry5DS7s-5EkYIv0_iGjOlkvvOvbXMvEjRsYK3sLZb34AKobSGnkGtUd-_nWvD7b5ZC17ZXa4hd3ehhz7OVV9ZiTDWFxakPgQ5Bs6KDwVLF-Au0v0imqDFY1EKNHUvW3AKt3cvTBCP731ZsR8TFnPVeJFQtoeyZ739G1aKNduusGJyTjsPvan7Zgvgx_LDeKE6idunpa7waUK_nzAkeVZKn-l6dccU05gFbJjuJhnTODoUNdtCXQ6AdPQfUxffLDQ",
    "e": "AQAB",
    "d": "GBf8Xy2N9PycAoEN2gW-db4Jms0VitTchSIEH-1HpjFdWqiXKyuqD-3CnDp8M_nNXo62eDucMfgIy2RPjwfc4JNUy5mU5nBIacoXI9BOhhH-cvZwbpZ4zXqsWWFPGhVEsXcbOpumrc5HZwVeustGDxQ8x0KsglP9UqZ9gXVZhPdOQkXwBMEnSrKsPYC3pPzvO_gWCz3C5xQYMBqJJNrgIeEzUYSZZV8OZPudPavzPGkT6855KioRCb1Hx-gJGioisBRfvlCCeQ5i3skJxR45wIQJo_rcy0tE8JISmAyXshOmCOXBldRWTb4YYETnR7C3iGJAnZiaY3sszg7-BWxYYQ",
    "p": "0XG3FNMmAJ52xD3FD88Y6R_D7hGNI00DG_syo13PJlsd7Bxq3mGzq8QJO5GA-aDiPDTQZqJ4XWmQ6Ol5E4lv0g_WolcPT1eFelc-g_xqCQThS982zefrHqD0-t2aiY2SKX2DnVgZ2hZwFpfZNG0IJMKN5yZ8d184YlWCyTiKFdU",
    "q": "uFsKD8DqsH_mVBsYk7fRWDBaT65-ytxwpVsWF_q2TSgF0Ar8FqZKkB_AdPppPKGp7VC01L_Yg4oz39ypyB-6rOm3WRoo9EChr0ArnibQoRV-c543YUzknQH9geWfz8U0subjsaPnpybOeJunxBPfqLUYQl2A5g723y_n7oQzZFk",
    "dp": "j4_8yH97Gw2DpzwX6aAxGQq3CGZrcfkF2pYyvZw9s7LdLczEzC34NBKpqXUxDOrkaBRjjRZsnssPkzcF0Qhx53EH1DsMuXvqeFN4_It2OzxnGdSlAjqoBVSa16IynXq2502re5y6C605o6LuNWtPG7NoBTtyMXjJc03d2gOxUwk",
    "dq": "Z_z6TO6NsydB3bk3AMPT8wG7P2z3GiiD5dHeQYJq6FSmCrbXgVMlhexTG-jQCaJK_pDin4rjbzc6kZCfuEGlg7mFcV4fMb9vNDJnKBtO3T4JiN_67wh3f9TKkUXcAk-DrVItp1sD5TYvirqKREDNjRUxbOXfOmXAfR5Bnjm132k",
    "qi": "CYiSQk5h3_yJWnMnSoYJrylzbk2lw709gwOtZKUzReiXANPCu-A9fc8-3EAUfUxEHEzlj3tZAhhVWMMMP4VzJXZe-LN-vVzV-UojI4sj3RnOyt4iAOsxid2YTmLPZDlyg0ynea8YMEhHMa5tL-JAAA4qnkFheRlXtSlqZbqVLeY"
  },
  "ecPkcs8": "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgyfYAyJKcHiOUye+Y\nCZY/z+8TUAMMtSMGCg4wM31uPHGhRANCAAQ6uZX6ludmc7OD0Of8w2Gx4pieBqK2\ntmTtRoGEgeVpoWq2yijl0DK97Vo5K4y0edyzRmt0b5Ub2c8FfZ2qGMT9\n-----END PRIVATE KEY-----\n",
  "ecSec1": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIMn2AMiSnB4jlMnvmAmWP8/vE1ADDLUjBgoOMDN9bjxxoAoGCCqGSM49\nAwEHoUQDQgAEOrmV+pbnZnOzg9Dn/MNhseKYngaitrZk7UaBhIHlaaFqtsoo5dAy\nve1aOSuMtHncs0ZrdG+VG9nPBX2dqhjE/Q==\n-----END EC PRIVATE KEY-----\n",
  "ecSpki": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOrmV+pbnZnOzg9Dn/MNhseKYngai\ntrZk7UaBhIHlaaFqtsoo5dAyve1aOSuMtHncs0ZrdG+VG9nPBX2dqhjE/Q==\n-----END PUBLIC KEY-----\n",
  "ecJwk": {
    "kty": "EC",
    "x": "OrmV-pbnZnOzg9Dn_MNhseKYngaitrZk7UaBhIHlaaE",
    "y": "arbKKOXQMr3tWjkrjLR53LNGa3RvlRvZzwV9naoYxP0",
    "crv": "P-256",
    "d": "yfYAyJKcHiOUye-YCZY_z-8TUAMMtSMGCg4wM31uPHE"
  },
  "edPkcs8": "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIOOP7PZw4eGY7hHMXqH/saXeSB+jvm097REcUjXt4pTj\n-----END PRIVATE KEY-----\n",
  "edSpki": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAvYZR/W3hnnqYy0rr7jO4AuULf76OcbBoaks5eKd7d5s=\n-----END PUBLIC KEY-----\n",
  "rsaSig256": "MMzOp5gXjURfiwTga6Hl5vQbXWxPQ+P8z4G/nYX85wQ+pOwHB5heZSUDoh3IC7EtP4Jm/JPmprOonMjJGA7lxf/oED0bIAM3SC5aVtKQIzxVlNtilJIEII35HdKwPMRTIxwLc21amAdOAZUCnsr3rixbimW2DuR1S0oO00VIBcyXsg6xkfoDVl8bLWO7VvDfdaivWn3gm1BWp7S1aM4GG9DjnjoTgwJZElzNNRZiKKLpWSuJ/nex+u1r/00tkjW+2W515jl31vW+If1i3Hb9vAwg5M57uMJT4gC8R05rOqiKDqb6NQzTg3CsHvx7jjcBN96PE1PiMnc02JSABOHSAA==",
  "rsaPss": "feH/PS51uDyN5ZUushTJfmaROB2O/pTrGnJrfeh1JddfpTTU/OBzkqRUYHFuQjTcklK8YVokMjcZoopjPIVVMeDnfquLs8xaWZZZLVRax/hqTNL2rIqOavF3Pb7nCTl6g+b5KOgRTq2N/0M6UQ2KSvZ5GRaN6sVcwzl09IZ2m3X1XMagFlehEBPNl2NhInv/QiG6Yc8dPfunCbo5FpHbMO0jVhlLRIBkNPOpEIytYkDyQqLxOb3k40vSxarRe7lXI+zsaXUpx7qm6Pk3i9IWachgfNeotz3vNphVH4QBu0NZAxK5NUKH/IzHTe9SdAp1PZSr2RwDihqsGEH5e0ErmA==",
  "ecSigDer": "MEUCIG0wwmShsRgEi2bgIctNzfbdRVIGVogNnytBubDdgogpAiEAlff2NK6hJawaXqXAYBLqJ7KjS7gquX8vy9HXQ3wxZlY=",
  "ecSigP1363": "cAkyO9ElDrgS4Dp5LnLaAjvVht6mFiyzVz73cMPTcwxEAb5MkBMbtvIg/GUU5LmT0KGxvgzkmYWCoyVACYwuMQ==",
  "edSig": "nW1B2InJNpr+ZxjxGqGzS5+bnoow5MRG7FATMzXMtKbeYfUU9kbfYmYRqyFtDKmiOYjCwy04dHFQox405lp4DA==",
  "rsaDetails": {
    "modulusLength": 2048,
    "e": "65537"
  },
  "gcm": "NGe1aaCR4nboMuTq1ow=",
  "gcmTag": "2iPBET7VpfgMNtpef+QCbw==",
  "cbc": "c4c74c0b68bb331bfb62b9fdfebfc02d43c049f95d878ac6300f9026655fbcce7b2382c9d677a4ebedbcad737749d07f",
  "ctr": "YreM9G3O49BbdLZLgQTp+v4XP+Y8G8BQprf3BhkgtyZobxk=",
  "cert": "-----BEGIN CERTIFICATE-----\nMIIBczCCARmgAwIBAgIUBzdehoJgo1y2SXngPihoBzl8+A4wCgYIKoZIzj0EAwIw\nDzENMAsGA1UEAwwEdGVzdDAeFw0yNjEyMDIxODUyMDdaFw0zNjExMjkxODUyMDda\nMA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ6uZX6\nludmc7OD0Of8w2Gx4pieBqK2tmTtRoGEgeVpoWq2yijl0DK97Vo5K4y0edyzRmt0\nb5Ub2c8FfZ2qGMT9o1MwUTAdBgNVHQ4EFgQUplFSkHzZKkhArrrDTOj/0V/bhLQw\nHwYDVR0jBBgwFoAUplFSkHzZKkhArrrDTOj/0V/bhLQwDwYDVR0TAQH/BAUwAwEB\n/zAKBggqhkjOPQQDAgNIADBFAiBvlaCvhBOC3JhymY+HC4ZXTyGcYSnlDJFVsMhf\nrG28hAIhAP5fYPEpAX81vJ8VCw0B4vs4eG3FwySWSc736t+2Ha4U\n-----END CERTIFICATE-----\n"
};

const hello = Buffer.from('hello');

function failure(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

export function keys_from_pem_der_and_jwk() {
  const rsa = createPrivateKey(V.rsaPkcs8);
  assertEquals(rsa instanceof KeyObject, true);
  assertEquals(rsa.type, 'private');
  assertEquals(rsa.asymmetricKeyType, 'rsa');
  assertEquals(rsa.asymmetricKeyDetails.modulusLength, 2048);
  assertEquals(rsa.asymmetricKeyDetails.publicExponent, 65537n);
  assertEquals(createPrivateKey(V.rsaPkcs1).export({ type: 'pkcs8', format: 'pem' }), V.rsaPkcs8);
  assertEquals(rsa.export({ type: 'pkcs1', format: 'pem' }), V.rsaPkcs1);
  assertEquals(createPublicKey(V.rsaPkcs8).export({ type: 'spki', format: 'pem' }), V.rsaSpki);
  assertEquals(createPublicKey(V.rsaPkcs1Pub).export({ type: 'spki', format: 'pem' }), V.rsaSpki);
  assertEquals(createPublicKey(V.rsaSpki).export({ type: 'pkcs1', format: 'pem' }), V.rsaPkcs1Pub);
  assertDeepEquals(rsa.export({ format: 'jwk' }), V.rsaJwk);
  assertEquals(createPrivateKey({ key: V.rsaJwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }), V.rsaPkcs8);
  const der = rsa.export({ type: 'pkcs8', format: 'der' });
  assertEquals(Buffer.isBuffer(der), true);
  assertEquals(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).equals(rsa), true);

  const ec = createPrivateKey(V.ecSec1);
  assertEquals(ec.asymmetricKeyType, 'ec');
  assertEquals(ec.asymmetricKeyDetails.namedCurve, 'prime256v1');
  assertEquals(ec.export({ type: 'pkcs8', format: 'pem' }), V.ecPkcs8);
  assertDeepEquals(ec.export({ format: 'jwk' }), V.ecJwk);
  assertEquals(createPublicKey(ec).export({ type: 'spki', format: 'pem' }), V.ecSpki);
  assertEquals(createPublicKey(V.cert).export({ type: 'spki', format: 'pem' }), V.ecSpki);

  const ed = createPrivateKey(V.edPkcs8);
  assertEquals(ed.asymmetricKeyType, 'ed25519');
  assertEquals(createPublicKey(ed).export({ type: 'spki', format: 'pem' }), V.edSpki);
  assertEquals(createPublicKey(V.edSpki).type, 'public');
}

export function secret_keys() {
  const key = createSecretKey(Buffer.from('abc'));
  assertEquals(key.type, 'secret');
  assertEquals(key.symmetricKeySize, 3);
  assertEquals(key.export().toString(), 'abc');
  assertDeepEquals(key.export({ format: 'jwk' }), { kty: 'oct', k: 'YWJj' });
  assertEquals(key.asymmetricKeyType, undefined);
  assertEquals(createSecretKey('abc', 'utf8').equals(key), true);
}

export function bad_keys_fail_as_node_fails() {
  const e = failure(() => createPrivateKey('nope'));
  assertEquals(e.code, 'ERR_OSSL_UNSUPPORTED');
  assertEquals(e.message, 'error:1E08010C:DECODER routines::unsupported');
  assertEquals(failure(() => createPrivateKey(V.rsaSpki)).code, 'ERR_OSSL_UNSUPPORTED');
  assertEquals(failure(() => createPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')) instanceof Error, true);
  const wrongType = failure(() => sign('sha256', hello, createPublicKey(V.ecSpki)));
  assertEquals(wrongType.code, 'ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE');
  assertEquals(wrongType.message, 'Invalid key object type public, expected private.');
  assertEquals(failure(() => createSign('foo')).code, 'ERR_CRYPTO_INVALID_DIGEST');
  assertEquals(failure(() => sign('sha256', hello, V.edPkcs8)).code, 'ERR_OSSL_INVALID_DIGEST');
}

export function signatures_verify_as_node_made_them() {
  assertEquals(sign('sha256', hello, V.rsaPkcs8).toString('base64'), V.rsaSig256);
  assertEquals(createSign('RSA-SHA256').update('hel').update('lo').sign(V.rsaPkcs8, 'base64'), V.rsaSig256);
  assertEquals(verify('sha256', hello, V.rsaSpki, Buffer.from(V.rsaSig256, 'base64')), true);
  assertEquals(verify('sha256', Buffer.from('hellO'), V.rsaSpki, Buffer.from(V.rsaSig256, 'base64')), false);
  assertEquals(createVerify('sha256').update('hello').verify(V.rsaSpki, V.rsaSig256, 'base64'), true);
  // PSS: with the padding asked for, Node's salt of 32 bytes verifies; as PKCS #1 v1.5 it does not.
  const pss = Buffer.from(V.rsaPss, 'base64');
  assertEquals(verify('sha256', hello, { key: V.rsaSpki, padding: constants.RSA_PKCS1_PSS_PADDING }, pss), true);
  assertEquals(verify('sha256', hello, { key: V.rsaSpki, padding: 6, saltLength: 32 }, pss), true);
  assertEquals(verify('sha256', hello, V.rsaSpki, pss), false);
  const mine = sign('sha256', hello, { key: createPrivateKey(V.rsaPkcs8), padding: 6, saltLength: -1 });
  assertEquals(verify('sha256', hello, { key: V.rsaSpki, padding: 6, saltLength: 32 }, mine), true);
  // A salt length that is not a number is refused, as Node does, before anything reads it as text
  // (one whose toString answered a forged parameter the second time could change the algorithm).
  let reads = 0;
  const forged = { toString: () => (reads++ === 0 ? '32' : '32\nalg=HMAC') };
  let code = '';
  try {
    sign('sha256', hello, { key: createPrivateKey(V.rsaPkcs8), padding: 6, saltLength: forged });
  } catch (e) {
    code = e.code;
  }
  assertEquals(code, 'ERR_INVALID_ARG_TYPE');
  assertEquals(reads, 0);
  // ECDSA: DER by default, IEEE P1363 on request.
  assertEquals(verify('sha256', hello, V.ecSpki, Buffer.from(V.ecSigDer, 'base64')), true);
  assertEquals(verify('sha256', hello, { key: V.ecSpki, dsaEncoding: 'ieee-p1363' }, Buffer.from(V.ecSigP1363, 'base64')), true);
  const der = sign('sha256', hello, V.ecPkcs8);
  assertEquals(der[0], 0x30);
  assertEquals(verify('sha256', hello, V.ecSpki, der), true);
  assertEquals(verify('sha256', hello, createPrivateKey(V.ecPkcs8), der), true);
  const raw = sign('sha256', hello, { key: V.ecPkcs8, dsaEncoding: 'ieee-p1363' });
  assertEquals(raw.length, 64);
  assertEquals(verify('sha256', hello, V.ecSpki, Buffer.from('not der')), false);
  // Ed25519 is deterministic: the same signature as Node's.
  assertEquals(sign(null, hello, V.edPkcs8).toString('base64'), V.edSig);
  assertEquals(verify(undefined, hello, V.edSpki, Buffer.from(V.edSig, 'base64')), true);
}

export function aes_ciphers_match_node() {
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
  const iv12 = Buffer.from('000102030405060708090a0b', 'hex');
  const iv16 = Buffer.alloc(16, 7);
  const gcm = createCipheriv('aes-256-gcm', key, iv12);
  gcm.setAAD(Buffer.from('aad'));
  assertEquals(Buffer.concat([gcm.update('secret message'), gcm.final()]).toString('base64'), V.gcm);
  assertEquals(gcm.getAuthTag().toString('base64'), V.gcmTag);
  const open = createDecipheriv('aes-256-gcm', key, iv12);
  open.setAAD(Buffer.from('aad'));
  open.setAuthTag(Buffer.from(V.gcmTag, 'base64'));
  assertEquals(open.update(Buffer.from(V.gcm, 'base64'), undefined, 'utf8') + open.final('utf8'), 'secret message');
  const forged = createDecipheriv('aes-256-gcm', key, iv12);
  forged.setAuthTag(Buffer.alloc(16));
  forged.update(Buffer.from(V.gcm, 'base64'));
  assertEquals(failure(() => forged.final()).message, 'Unsupported state or unable to authenticate data');

  const cbc = createCipheriv('aes-128-cbc', key.subarray(0, 16), iv16);
  assertEquals(cbc.update('secret message, longer than a block', 'utf8', 'hex') + cbc.final('hex'), V.cbc);
  const back = createDecipheriv('aes-128-cbc', key.subarray(0, 16), iv16);
  assertEquals(back.update(V.cbc, 'hex', 'utf8') + back.final('utf8'), 'secret message, longer than a block');
  const bad = createDecipheriv('aes-128-cbc', key.subarray(0, 16), iv16);
  bad.update(Buffer.alloc(16));
  assertEquals(failure(() => bad.final()).code, 'ERR_OSSL_BAD_DECRYPT');

  const counter = Buffer.from('ffffffffffffffffffffffffffffffff', 'hex');
  const ctr = createCipheriv('aes-192-ctr', key.subarray(0, 24), counter);
  assertEquals(Buffer.concat([ctr.update('counter wraps around here!!!!!!!!!!'), ctr.final()]).toString('base64'), V.ctr);

  assertEquals(failure(() => createCipheriv('foo-bar', key, iv16)).code, 'ERR_CRYPTO_UNKNOWN_CIPHER');
  const keylen = failure(() => createCipheriv('aes-128-cbc', Buffer.alloc(15), iv16));
  assertEquals(keylen instanceof RangeError, true);
  assertEquals(keylen.code, 'ERR_CRYPTO_INVALID_KEYLEN');
  assertEquals(failure(() => createCipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(15))).code, 'ERR_CRYPTO_INVALID_IV');
}

export function cipher_updates_give_output_at_once_as_node_does() {
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
  const iv16 = Buffer.alloc(16, 7);
  const text = 'secret message, longer than a block';
  // CBC: whole blocks from update(), the padded rest from final(); decryption holds the last block back.
  const cbc = createCipheriv('aes-128-cbc', key.subarray(0, 16), iv16);
  const first = cbc.update(text.slice(0, 20));
  const second = cbc.update(text.slice(20));
  const last = cbc.final();
  assertEquals([first.length, second.length, last.length].join(), '16,16,16');
  assertEquals(Buffer.concat([first, second, last]).toString('hex'), V.cbc);
  const back = createDecipheriv('aes-128-cbc', key.subarray(0, 16), iv16);
  const sealed = Buffer.from(V.cbc, 'hex');
  const parts = [back.update(sealed.subarray(0, 7)), back.update(sealed.subarray(7, 32)), back.update(sealed.subarray(32))];
  assertEquals(parts.map((p) => p.length).join(), '0,16,16');
  assertEquals(Buffer.concat([...parts, back.final()]).toString(), text);
  const short = createDecipheriv('aes-128-cbc', key.subarray(0, 16), iv16);
  short.update(sealed.subarray(0, 20));
  assertEquals(failure(() => short.final()).code, 'ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH');
  // CTR and GCM: every byte comes out of update(), across block boundaries.
  const counter = Buffer.from('ffffffffffffffffffffffffffffffff', 'hex');
  const ctr = createCipheriv('aes-192-ctr', key.subarray(0, 24), counter);
  const message = 'counter wraps around here!!!!!!!!!!';
  const pieces = [ctr.update(message.slice(0, 5)), ctr.update(message.slice(5, 21)), ctr.update(message.slice(21))];
  assertEquals(pieces.map((p) => p.length).join(), '5,16,14');
  assertEquals(ctr.final().length, 0);
  assertEquals(Buffer.concat(pieces).toString('base64'), V.ctr);
  const iv12 = Buffer.from('000102030405060708090a0b', 'hex');
  const gcm = createCipheriv('aes-256-gcm', key, iv12);
  gcm.setAAD(Buffer.from('aad'));
  const out = [gcm.update('secret '), gcm.update('message')];
  assertEquals(gcm.final().length, 0);
  assertEquals(Buffer.concat(out).toString('base64'), V.gcm);
  assertEquals(gcm.getAuthTag().toString('base64'), V.gcmTag);
  const open = createDecipheriv('aes-256-gcm', key, iv12);
  open.setAAD(Buffer.from('aad'));
  open.setAuthTag(Buffer.from(V.gcmTag, 'base64'));
  assertEquals(open.update(Buffer.from(V.gcm, 'base64')).toString(), 'secret message');
  assertEquals(open.final().length, 0);
}

export function generated_key_pairs_sign_and_verify() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  assertEquals(privateKey.asymmetricKeyType, 'ec');
  assertEquals(publicKey.asymmetricKeyDetails.namedCurve, 'secp384r1');
  assertEquals(verify('sha384', hello, publicKey, sign('sha384', hello, privateKey)), true);
  const ed = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  assertEquals(ed.publicKey.startsWith('-----BEGIN PUBLIC KEY-----\n'), true);
  assertEquals(verify(null, hello, ed.publicKey, sign(null, hello, ed.privateKey)), true);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  assertEquals(rsa.privateKey.asymmetricKeyDetails.modulusLength, 1024);
  assertEquals(verify('sha256', hello, rsa.publicKey, sign('sha256', hello, rsa.privateKey)), true);
  assertEquals(failure(() => generateKeyPairSync('ec', { namedCurve: 'nope' })).code, 'ERR_CRYPTO_INVALID_CURVE');
}

export function encrypted_pkcs8_keys_open_with_their_passphrase() {
  const ec = createPrivateKey({ key: ENCRYPTED.ecEncrypted, passphrase: 'top secret' });
  assertEquals(ec.export({ type: 'pkcs8', format: 'pem' }), V.ecPkcs8);
  assertEquals(createPublicKey({ key: ENCRYPTED.ecEncrypted, passphrase: 'top secret' }).export({ type: 'spki', format: 'pem' }),
    V.ecSpki);
  const rsa = createPrivateKey({ key: ENCRYPTED.rsaEncrypted128, passphrase: Buffer.from('pw') });
  assertEquals(rsa.export({ type: 'pkcs8', format: 'pem' }), V.rsaPkcs8);
  assertEquals(sign('sha256', hello, { key: ENCRYPTED.rsaEncrypted128, passphrase: 'pw' }).toString('base64'), V.rsaSig256);
  assertEquals(failure(() => createPrivateKey({ key: ENCRYPTED.ecEncrypted, passphrase: 'wrong' })).code, 'ERR_OSSL_BAD_DECRYPT');
  assertEquals(failure(() => createPrivateKey(ENCRYPTED.ecEncrypted)).code, 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED');
}

export function ec_private_keys_export_as_sec1_as_node_writes_them() {
  // From SEC 1 or from PKCS #8 (whose inner key Node writes with the public key but not the curve).
  assertEquals(createPrivateKey(V.ecSec1).export({ type: 'sec1', format: 'pem' }), V.ecSec1);
  assertEquals(createPrivateKey(V.ecPkcs8).export({ type: 'sec1', format: 'pem' }), V.ecSec1);
  const der = createPrivateKey(V.ecPkcs8).export({ type: 'sec1', format: 'der' });
  assertEquals(createPrivateKey({ key: der, format: 'der', type: 'sec1' }).export({ type: 'pkcs8', format: 'pem' }), V.ecPkcs8);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384',
    privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  assertEquals(privateKey.split('\n')[0], '-----BEGIN EC PRIVATE KEY-----');
  const signature = sign('sha384', Buffer.from('hello'), privateKey);
  assertEquals(verify('sha384', Buffer.from('hello'), publicKey, signature), true);
  let refused;
  try { createPublicKey(V.ecSec1).export({ type: 'sec1', format: 'pem' }); } catch (e) { refused = e.code; }
  assertEquals(refused, 'ERR_INVALID_ARG_VALUE');
}
