//! The handshake and what the server announces: capabilities, workspace folders, the
//! file watchers it asks for.

use std::path::PathBuf;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, RequestId, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, InitializeResult, OneOf, Registration,
    RegistrationParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};

use crate::lsp::findings::FIX_ALL;
use crate::lsp::text::Encoding;
use crate::lsp::transport::Incoming;

/// The files whose changes on disk matter: the config, campaigns and audiences, drafts,
/// contact lists and ledgers.
pub const WATCHED: &str = "**/*.{toml,md,csv}";

/// Waits for `initialize`, answering any other request with "not initialized" and
/// skipping notifications. `None` when the client leaves first.
pub fn handshake(
    out: &Sender<Message>,
    incoming: &Receiver<Incoming>,
) -> Option<(RequestId, InitializeParams)> {
    loop {
        let Incoming::Message(m) = incoming.recv().ok()? else {
            continue;
        };
        match m {
            Message::Request(r) if r.method == "initialize" => {
                match serde_json::from_value::<InitializeParams>(r.params) {
                    Ok(p) => return Some((r.id, p)),
                    Err(e) => {
                        let _ = out.send(
                            Response::new_err(
                                r.id,
                                ErrorCode::InvalidParams as i32,
                                format!("camplint cannot read these initialize parameters: {e}"),
                            )
                            .into(),
                        );
                    }
                }
            }
            Message::Request(r) => {
                let _ = out.send(
                    Response::new_err(
                        r.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "send initialize first".into(),
                    )
                    .into(),
                );
            }
            Message::Notification(n) if n.method == "exit" => return None,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

/// What the server can do.
pub fn result(enc: Encoding) -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(enc.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::new(FIX_ALL),
                ]),
                resolve_provider: Some(false),
                ..CodeActionOptions::default()
            })),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "camplint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    }
}

/// The folders the client opened: its workspace folders, else its root.
pub fn folders(p: &InitializeParams) -> Vec<PathBuf> {
    if let Some(list) = &p.workspace_folders {
        return list
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
    }
    #[allow(deprecated)]
    let root = p
        .root_uri
        .as_ref()
        .and_then(|u| u.to_file_path().ok())
        .or_else(|| p.root_path.as_ref().map(PathBuf::from));
    root.into_iter().collect()
}

/// The registration of the file watchers.
pub fn watchers() -> RegistrationParams {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![FileSystemWatcher {
            glob_pattern: GlobPattern::String(WATCHED.into()),
            kind: None,
        }],
    };
    RegistrationParams {
        registrations: vec![Registration {
            id: "camplint-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        }],
    }
}
